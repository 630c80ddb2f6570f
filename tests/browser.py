"""Chromium driven by Playwright for the browser tests: a page that reaches the live server only
(tiles and the internet are aborted), and the bytes it transfers as the network counts them."""

import contextlib

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def browser_page(chromium, server_url):
    """A page of Chromium that reaches the live server only, and the transfer sizes it records."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 800})
        page.route(
            "**/*",
            lambda route: route.continue_() if route.request.url.startswith(server_url) else route.abort(),
        )
        transfers = Transfers(page)
        try:
            yield page, transfers
        finally:
            browser.close()


class Transfers:
    """Bytes received per URL as the network counts them (compressed bodies plus headers), via CDP."""

    def __init__(self, page):
        self.urls = {}
        self.bytes = {}
        session = page.context.new_cdp_session(page)
        session.on("Network.responseReceived", self.received)
        session.on("Network.loadingFinished", self.finished)
        session.send("Network.enable")

    def received(self, event):
        self.urls[event["requestId"]] = event["response"]["url"]

    def finished(self, event):
        url = self.urls.get(event["requestId"], "")
        self.bytes[url] = self.bytes.get(url, 0) + event["encodedDataLength"]

    def total(self):
        return sum(self.bytes.values())

    def of(self, path):
        return sum(size for url, size in self.bytes.items() if path in url)

    def report(self):
        lines = [
            f"  {size / 1024:7.1f} KB  {url}"
            for url, size in sorted(self.bytes.items(), key=lambda item: -item[1])
            if not url.startswith("data:")
        ]
        return "\n".join([f"{self.total() / 1024:.1f} KB transferred:", *lines])
