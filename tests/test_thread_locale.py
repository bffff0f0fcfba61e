"""A document's language is per thread: the window's language does not change meanwhile."""

from __future__ import annotations

import threading

from otop_desktop.i18n import _, current_locale, set_locale, thread_locale


def test_thread_locale_leaves_other_threads_alone() -> None:
    # Proves: while a worker writes a sheet in Chinese, the GUI thread still gets Spanish.
    set_locale("es")
    try:
        inside = threading.Event()
        release = threading.Event()
        seen: list[str] = []

        def worker() -> None:
            with thread_locale("zh_Hant_TW"):
                seen.append(_("Cancel"))
                seen.append(current_locale())
                inside.set()
                release.wait(5)
            seen.append(current_locale())

        thread = threading.Thread(target=worker)
        thread.start()
        assert inside.wait(5)
        assert current_locale() == "es"
        assert _("Cancel") == "Cancelar"
        release.set()
        thread.join(5)
        assert seen == ["取消", "zh_Hant_TW", "es"]
    finally:
        set_locale("en")
