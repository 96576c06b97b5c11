"""Opening a generated map in the real headless Chromium, offline."""

from __future__ import annotations

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
         "device_scale_factor": 2}


def open_page(browser, path, requests: list[str] | None = None, *, hash: str = "",
              **context_args):
    """(context, page, page errors) of the map at ``path`` (``#hash`` appended); every
    non-file request is refused and its URL appended to ``requests``. ``context_args`` go to
    ``browser.new_context`` (e.g. ``**PHONE``)."""
    context_args.setdefault("viewport", {"width": 1280, "height": 860})
    context = browser.new_context(**context_args)
    seen = requests if requests is not None else []

    def guard(route):
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            seen.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri() + hash)
    page.wait_for_function("window.trackerMap !== undefined", timeout=20_000)
    return context, page, errors


def model_page(browser, page_html: str):
    """(context, page) with only the page model (tracker_model.js) loaded, no map: the model of
    the map ``page_html`` is ``window.model``."""
    import re
    from importlib import resources

    script = (resources.files("tracker.render") / "assets" / "tracker_model.js").read_text(
        encoding="utf-8")
    data = re.search(r'<script type="application/json" id="tracker-data">.*?</script>',
                     page_html, flags=re.S).group(0)
    context = browser.new_context()
    page = context.new_page()
    page.set_content(f"<html><body>{data}<script>{script}</script></body></html>")
    page.evaluate("window.model = TrackerModel.create("
                  "JSON.parse(document.getElementById('tracker-data').textContent))")
    return context, page
