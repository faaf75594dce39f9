"""What `launch` needs beside the Blocks: the built app's parts, and the options that put the guard, sign-in and
Parley's own server class around it."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import anyio
import gradio as gr
from starlette.middleware import Middleware

from simulator.team.service import Team
from simulator.ui.downloads import Downloads
from simulator.ui.guard import Guard, Importer, signed_in_user
from simulator.ui.server import make_app
from simulator.wiring import Services

AUTH_MESSAGE = (
    "Sign in to Parley with the name and password your trainer gave you. "
    "After five failed tries a name is paused for five minutes."
)


@dataclass(frozen=True)
class Built:
    """The Blocks app and what `launch` needs beside it."""

    app: gr.Blocks
    team: Team
    downloads: Downloads
    importer: Importer | None = None  # the Studio's file import route
    services: Services | None = None


def launch_options(built: Built) -> dict[str, Any]:
    """Sign-in is on when any account exists at start; with none the app serves one local user.

    Password checks run in a worker thread (bcrypt takes a quarter of a second by design, and on the event loop
    it would stall every other user's requests); the guard sits in front of every route."""
    team = built.team
    oidc = built.services.settings.oidc if built.services is not None else None
    # With single sign-on the first person arrives before any account exists: sign-in is on from the start.
    # Accounts that existed here once keep sign-in on (the marker beside the database), whatever the data says.
    marked = built.services is not None and built.services.sign_in_required()
    auth_required = team.accounts_exist() or oidc is not None or marked
    guard = Middleware(Guard, auth_required=auth_required, downloads=built.downloads, importer=built.importer)
    options: dict[str, Any] = {
        # Gradio's run history keeps every call's inputs and outputs in the browser's localStorage.
        "run_history": False,
        # The app has no upload component; the guard closes the upload route, and this caps it besides.
        "max_file_size": "16kb",
    }
    if built.services is not None:
        # Gradio's own app class, given the shared sign-in table and the operators' and API routes
        # (`server.py`). `_app` is how launch() takes a prepared app; Gradio is pinned below 7.
        options["_app"] = make_app(built.services, [guard], lambda request: signed_in_user(request.scope))
    else:
        options["app_kwargs"] = {"middleware": [guard]}
    if auth_required:

        async def check_credentials(name: str, password: str) -> bool:
            return await anyio.to_thread.run_sync(team.check_credentials, name, password)

        message = AUTH_MESSAGE
        if oidc is not None:
            link = f'<a id="sso-sign-in" href="/parley/sso/login">Sign in with {escape(oidc.label)}</a>'
            message = f"{link}, or with a Parley password: " + message
        options |= {"auth": check_credentials, "auth_message": message}
    return options
