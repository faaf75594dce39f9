"""The page's own styles and script, beside Gradio's theme. Colours come from the theme's variables where text sits on the
page, so light and dark mode both read; the few fixed colours are chosen for contrast in both."""

CSS = """
/* A compact masthead, so a phone shows the conversation, not the header. */
#masthead { align-items: center; gap: .2em 1em; flex-wrap: wrap; }
#title h1 { margin: 0; font-size: 1.6rem; }
#who p { margin: 0; text-align: right; }
#masthead > #title { flex: 0 0 auto !important; }
#masthead > #who { flex: 1 1 260px !important; min-width: 0 !important; }
#tagline p { margin: 0; }

/* Contrast (WCAG AA, 4.5:1): the theme's orange is too light for white text and for a selected tab's label. */
button.primary { background: #c2410c !important; border-color: #c2410c !important; color: #fff !important; }
button.primary:hover { background: #9a3412 !important; }
button[role='tab'].selected { color: #9a3412 !important; }
.dark button[role='tab'].selected { color: #fdba74 !important; }
:focus-visible { outline: 3px solid #2563eb !important; outline-offset: 2px; }
/* The theme's subdued grey (placeholders, an unset picker) is under 2:1 on white; this one is over 6:1. */
body { --body-text-color-subdued: #62626b !important; --input-placeholder-color: #62626b !important; }
body.dark { --body-text-color-subdued: #a9a9b4 !important; --input-placeholder-color: #a9a9b4 !important; }

/* Homes: assignment cards, recent sessions, what needs a trainer. */
.cards { list-style: none; padding: 0; margin: 0; display: grid; gap: 12px;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 260px), 1fr)); }
.card { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 12px 14px;
  background: var(--background-fill-secondary); display: flex; flex-direction: column; gap: .5em; }
.card h4 { margin: 0; font-size: 1.1rem; }
.card .persona, .card .note, .card .twins, .card .why-not { margin: 0; font-size: .92em; }
.card .badge { font-size: .75em; padding: .1em .5em; border-radius: 999px; border: 1px solid currentColor; }
.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(84px, 1fr)); gap: 6px 12px; margin: 0; }
.facts dt { font-size: .78em; text-transform: uppercase; letter-spacing: .03em; }
.facts dd { margin: 0; font-weight: 600; }
button.action { min-height: 44px; padding: 0 18px; border-radius: 8px; font-weight: 600; cursor: pointer;
  font-size: 1rem; border: 1px solid var(--border-color-primary); }
button.action.primary { background: #c2410c; border-color: #c2410c; color: #fff; }
button.action.secondary { background: var(--button-secondary-background-fill); color: var(--body-text-color); }
.card button.action { align-self: flex-start; margin-top: auto; }
.recent, .queue { list-style: none; padding: 0; margin: 0; }
.recent li, .queue li { display: flex; flex-wrap: wrap; align-items: center; gap: .3em 1em; padding: .5em 0;
  border-bottom: 1px solid var(--border-color-primary); }
.recent .what, .queue .what, .recent .how, .queue .how { flex: 1 1 200px; min-width: 0; overflow-wrap: anywhere; }
.recent .actions, .queue .actions { display: flex; gap: .5em; }
#needs-you .queues { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 340px), 1fr)); }
#needs-you section[data-queue] { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 8px 14px; }
#needs-you h4 { margin: .3em 0; }

/* The conversation: the message box stays in view, and a narrow screen shows one pane at a time. */
#pane-switch { display: none; }
#composer { position: sticky; bottom: 0; z-index: 5; box-shadow: 0 -6px 12px -8px rgba(0, 0, 0, .35); }
#status p { margin: 0; }
#status { min-height: 1.5em; }
.thinking::after { content: ' …'; animation: parley-pulse 1.2s ease-in-out infinite; }
@keyframes parley-pulse { 50% { opacity: .2; } }
@media (prefers-reduced-motion: reduce) { .thinking::after { animation: none; } }

/* Grades, meters and the ledger. */
#coach-history details { margin-bottom: .5em; }
#coach-history summary { cursor: pointer; }
#coach-history .criterion { margin: .4em 0; padding: .3em .5em; border-left: 4px solid #888; }
#coach-history .criterion[data-score='2'] { border-color: #16a34a; }
#coach-history .criterion[data-score='1'] { border-color: #d97706; }
#coach-history .criterion[data-score='0'] { border-color: #dc2626; }
#coach-history .evidence q { font-style: italic; }
#coach-history .suggestion { background: var(--background-fill-secondary); padding: .5em; border-radius: 6px; }
#trust-meter progress { width: 100%; }
#ledger h3, .visual-debrief h3 { font-size: 1.05rem; margin: .4em 0; }

/* The visual debrief: charts, the depth ladder, the lasting-deal checklist. */
.visual-debrief .plots { display: flex; flex-wrap: wrap; gap: 1em; }
.visual-debrief .plots svg { flex: 1 1 320px; }
.ladder-and-deal { display: grid; gap: 1em 2em; grid-template-columns: repeat(auto-fit, minmax(min(100%, 320px), 1fr)); }
.ladder, .checklist { list-style: none; padding: 0; margin: 0; }
.rung { border-left: 4px solid var(--border-color-primary); padding: .2em .7em; margin: .35em 0; }
.rung[data-reached='true'] { border-color: #16a34a; }
.rung .depth { font-weight: 700; }
.rung ul { margin: .2em 0; padding-left: 1.1em; }
.rung p { margin: .1em 0; }
.checklist li { margin: .3em 0; }

/* Tables fold into label-and-value cards on a narrow screen instead of cutting columns off. */
table.fold, #transcript table.grade { border-collapse: collapse; }
table.fold td, table.fold th { padding: .25em .5em; border-bottom: 1px solid var(--border-color-primary); text-align: left;
  vertical-align: top; }
#transcript .turn { border-left: 4px solid #3b82f6; padding: .3em .8em; margin: .8em 0; }
#transcript .comment { background: var(--background-fill-secondary); padding: .3em .5em; margin: .3em 0; }
#transcript .reply { margin-left: 1.5em; }
#sso-sign-in { text-decoration: underline; font-weight: 600; }
#transcript, #transcript-panel, .visual-debrief, #my-progress { overflow-wrap: anywhere; }

@media (max-width: 767px) {
  #tagline, #in-use { display: none; }
  #title h1 { font-size: 1.3rem; }
  #who p { text-align: left; font-size: .85em; }
  #pane-switch { display: block; }
  #tabs button[role='tab'] { padding-left: 8px; padding-right: 8px; }
  #practice-panes[data-pane='Coach'] #chat-pane { display: none !important; }
  #practice-panes:not([data-pane='Coach']) #coach-pane { display: none !important; }
  table.fold, table.fold tbody, table.fold tfoot, table.fold tr, table.fold td, table.fold th { display: block; width: auto; }
  table.fold { border: none !important; }
  table.fold thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.fold tr { border: 1px solid var(--border-color-primary); border-radius: 8px; margin: .5em 0; padding: .3em; }
  table.fold td { border: none; display: grid; grid-template-columns: minmax(90px, 40%) 1fr; gap: .5em; }
  table.fold td::before { content: attr(data-label); font-weight: 600; }
  table.fold td:empty { display: none; }
  #transcript table.grade, #transcript table.grade tr, #transcript table.grade td { display: block; }
  #transcript .reply { margin-left: .5em; }
}
"""

# The sign-in page is served before anyone is known, so it has neither the app's title nor its CSS; the guard
# puts these in its <head>: a title, and the contrast fixes for its one button and its placeholders.
SIGN_IN_HEAD = (
    "<title>Parley: sign in</title><style>"
    "button.primary { background: #c2410c !important; border-color: #c2410c !important; color: #fff !important; }"
    "body { --body-text-color-subdued: #62626b !important; --input-placeholder-color: #62626b !important; }"
    "body.dark { --body-text-color-subdued: #a9a9b4 !important; --input-placeholder-color: #a9a9b4 !important; }"
    "</style>"
)

# Gradio's chat log scrolls but cannot take focus, so a keyboard user could not scroll it: give it a tab stop
# and a name, on every chat the page renders (tabs mount their content when first shown).
JS = """
() => {
  const fix = () => document.querySelectorAll('#chat .bubble-wrap:not([tabindex])').forEach((log) => {
    log.setAttribute('tabindex', '0');
    log.setAttribute('aria-label', 'The conversation so far');
  });
  new MutationObserver(fix).observe(document.body, {childList: true, subtree: true});
  fix();
}
"""
