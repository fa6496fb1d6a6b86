"""What every handler of the web app is built with: the signed-in user of a request, and a handler
whose parameters are a form's fields.

Apart from `ui.handlers` so that `ui.card_events` (which `ui.handlers` builds on) can use them too
without an import loop. No gradio import here: the callers pass the module.
"""

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["user_of", "form_handler", "cleared_first"]


def user_of(request: Any) -> str | None:
    """The signed-in user's name (None in local single-user mode)."""
    return getattr(request, "username", None) if request is not None else None


def cleared_first(button: Any, status: Any) -> Any:
    """A click on `button` that first clears `status` (in the browser, at once), to chain the action
    on: a refusal (a toast) then never stands beside an older "Saved ..." or "Added ..." that no longer
    describes the form."""
    return button.click(None, None, status, js="() => ''", api_name=False)


def form_handler(
    gr: Any, fields: Sequence[str], body: Callable[..., Any], *, lead: Sequence[str] = (),
    tail: Mapping[str, Any] | None = None, event: bool = False, progress: bool = False,
) -> Callable[..., Any]:
    """A handler whose parameters are `lead`, then one per form field in `fields`, then `tail` (name ->
    default), then the event data (with `event`), the request and a progress bar (with `progress`);
    it calls `body(*lead values, {field: value}, *tail values, [evt,] request[, progress])`.

    Gradio reads a handler's parameters to inject gr.EventData and gr.Request (into positional
    parameters only) and to name the API's inputs, so they are declared one per field, from the
    schema's field lists, not as *args: a new metadata field needs no handler written again.
    """
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    tail = dict(tail or {})
    params = [inspect.Parameter(name, kind) for name in (*lead, *fields)]
    params += [inspect.Parameter(name, kind, default=default) for name, default in tail.items()]
    after = {"default": None} if tail else {}  # parameters after one with a default need one too
    hints: dict[str, Any] = {"request": gr.Request}
    if event:
        params.append(inspect.Parameter("evt", kind, annotation=gr.EventData, **after))
        hints["evt"] = gr.EventData
    params.append(inspect.Parameter("request", kind, annotation=gr.Request, **after))
    if progress:
        params.append(inspect.Parameter("progress", kind, default=gr.Progress()))
    signature = inspect.Signature(params)

    def handler(*args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        given = bound.arguments
        extra = [given["progress"]] if progress else []
        evt = [given["evt"]] if event else []
        return body(*(given[n] for n in lead), {n: given[n] for n in fields}, *(given[n] for n in tail), *evt,
                    given["request"], *extra)

    handler.__signature__ = signature  # type: ignore[attr-defined]  # read by inspect.signature (Gradio)
    handler.__annotations__ = hints  # read by typing.get_type_hints (Gradio)
    handler.__name__ = body.__name__
    return handler
