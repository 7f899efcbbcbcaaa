"""Steps people take in the browser, shared by the browser tests."""

from __future__ import annotations

from playwright.async_api import Page

from tests.conftest import PASSWORD


async def log_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the form, as a person does, and wait for the start page."""
    await page.goto(f"{base_url}/login")
    await page.fill("#f-email", email)
    await page.fill("#f-password", password)
    async with page.expect_navigation():
        await page.click("button[type=submit]:has-text('Zaloguj')")


async def focused(page: Page) -> str:
    """A short description of the element holding the keyboard focus."""
    description: str = await page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el) return '';
            const text = (el.textContent || '').trim();
            return el.id ? '#' + el.id : el.tagName.toLowerCase() + ':' + text;
        }"""
    )
    return description


async def tab_to(page: Page, selector_id: str, *, limit: int = 40) -> int:
    """Press Tab until the element with this id has the focus; the number of presses."""
    for presses in range(1, limit + 1):
        await page.keyboard.press("Tab")
        if await focused(page) == f"#{selector_id}":
            return presses
    raise AssertionError(f"#{selector_id} never received the focus by Tab")
