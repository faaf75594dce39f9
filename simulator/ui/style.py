"""The page's own styles, beside Gradio's theme."""

CSS = """
#coach-history details { margin-bottom: .5em; }
#coach-history summary { cursor: pointer; }
#coach-history .criterion { margin: .4em 0; padding: .3em .5em; border-left: 4px solid #999; }
#coach-history .criterion[data-score='2'] { border-color: #2e7d32; }
#coach-history .criterion[data-score='1'] { border-color: #f9a825; }
#coach-history .criterion[data-score='0'] { border-color: #c62828; }
#coach-history .evidence q { font-style: italic; }
#coach-history .suggestion { background: #eef5ff; padding: .5em; border-radius: 6px; }
#trust-meter progress { width: 100%; }
#sessions-table td, #sessions-table th, .assignments td, .assignments th, #cohort-table td, #cohort-table th {
  padding: .2em .5em; border-bottom: 1px solid #ddd; text-align: left; }
#transcript .turn { border-left: 4px solid #1565c0; padding: .3em .8em; margin: .8em 0; }
#transcript .comment { background: #fff8e1; padding: .3em .5em; margin: .3em 0; }
#transcript .reply { color: #444; margin-left: 1.5em; }
.library td, .library th { padding: .2em .5em; border-bottom: 1px solid #ddd; text-align: left; }
#sso-sign-in { text-decoration: underline; font-weight: 600; }
"""
