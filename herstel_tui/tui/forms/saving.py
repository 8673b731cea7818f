"""How the desk's forms write: one ordered queue per store, and save-as-you-type on top of it.

- ``store_call`` runs store work alone: under the desk's lock when the app is the desk and this is
  its store, else under a lock of our own per store (a read must never see half of another
  thread's transaction).
- ``SaveQueue``: every write of the forms to one store, in the order it was made. One thread
  worker, started on the app so that it outlives a screen, drains the queue and then ends, so
  ``app.workers.wait_for_complete()`` returns once everything is written. The outcome goes back
  to the form that asked, on its own message queue (dropped when that form has closed).
- ``post_read``: a screen's read in a thread worker, answered as one :class:`Loaded` message (a
  message, not ``call_from_thread``: one for a screen that has closed meanwhile is dropped).
- ``Autosave``: a form's fields are written about half a second (``DRAFT_DELAY``) after the typing
  stops and at once when the field loses focus: a dropped SSH connection loses at most the field
  being typed. Each write says which value it is based on (what the form last read or wrote for the
  field); the store refuses it when someone else changed the field since (issue 13).
"""

from __future__ import annotations

import threading
import weakref
from collections import deque
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from textual.app import App
from textual.message import Message
from textual.message_pump import MessagePump
from textual.timer import Timer
from textual.widget import Widget

from herstel_tui.tui.forms.errors import Refusal, explain
from herstel_tui.tui.host import DeskApp

if TYPE_CHECKING:
    from herstel_tui.store import Store

DRAFT_DELAY = 0.5  # seconds of quiet before a typed field is written

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
Job = Callable[[], Any]
FieldValue = str | bool

_LOCKS: weakref.WeakKeyDictionary[Store, threading.RLock] = weakref.WeakKeyDictionary()
_QUEUES: weakref.WeakKeyDictionary[Store, SaveQueue] = weakref.WeakKeyDictionary()
_REGISTRY_LOCK = threading.Lock()


def store_call(app: App[Any], store: Store, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run store work alone (see the module text)."""
    if isinstance(app, DeskApp) and app.data.store_open and app.data.store is store:
        result: T = app.data.call(fn, *args, **kwargs)
        return result
    with _REGISTRY_LOCK:
        lock = _LOCKS.get(store)
        if lock is None:
            lock = _LOCKS[store] = threading.RLock()
    with lock:
        return fn(*args, **kwargs)


class Loaded(Message):
    """What a read in a thread worker found (``value``), or why it could not (``error``, Dutch);
    ``tag``: which read it answers (a year, a soft reload)."""

    def __init__(self, value: Any, error: str | None = None, tag: Any = None) -> None:
        super().__init__()
        self.value, self.error, self.tag = value, error, tag


def post_read(target: MessagePump, read: Callable[[], T], *, store: Store | None = None, tag: Any = None) -> T | None:
    """From a thread worker: run ``read`` (alone on ``store`` when given: ``store_call``) and post
    what came of it to ``target`` as :class:`Loaded`. Returns the value, or None when it failed."""
    try:
        value = read() if store is None else store_call(target.app, store, read)
    except Exception as exc:
        target.post_message(Loaded(None, explain(exc), tag))
        return None
    target.post_message(Loaded(value, tag=tag))
    return value


class SaveQueue:
    """All writes of the desk's forms to one store, in the order they were made."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._items: deque[tuple[MessagePump, App[Any], Job, Callable[[Any], object], Callable[[Refusal], object]]]
        self._items = deque()
        self._lock = threading.Lock()
        self._running = False

    @classmethod
    def of(cls, store: Store) -> SaveQueue:
        with _REGISTRY_LOCK:
            q = _QUEUES.get(store)
            if q is None:
                q = _QUEUES[store] = cls(store)
            return q

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._running or bool(self._items)

    def put(
        self,
        owner: MessagePump,
        job: Job,
        done: Callable[[Any], object] | None = None,
        failed: Callable[[Refusal], object] | None = None,
    ) -> None:
        """Queue ``job``; then ``done(result)`` or ``failed(refusal)`` runs on ``owner``."""
        app = owner.app
        with self._lock:
            self._items.append((owner, app, job, done or _ignore, failed or _ignore))
            if self._running:
                return
            self._running = True
        try:
            app.run_worker(
                self._drain,
                thread=True,
                group="plan-opslaan",
                exit_on_error=False,
                name="plan-opslaan",
                description="plan van aanpak opslaan",
            )
        except Exception:
            self._drain()  # the app is shutting down: write now rather than never

    def _drain(self) -> None:
        while True:
            with self._lock:
                if not self._items:
                    self._running = False
                    return
                owner, app, job, done, failed = self._items.popleft()
            try:
                result = store_call(app, self.store, job)
            except Exception as exc:
                _deliver(owner, failed, Refusal.of(exc))
            else:
                _deliver(owner, done, result)


def _deliver(owner: MessagePump, callback: Callable[[Any], object], value: Any) -> None:
    """Run ``callback(value)`` on the owner's message queue; nothing when the owner has closed."""
    try:
        owner.call_later(callback, value)
    except Exception:
        pass


def _ignore(_: object) -> None:
    pass


_MISSING: Any = object()


class Autosave(Generic[K]):
    """Save-as-you-type for one form, whose fields are identified by keys of type ``K``.

    ``job_for(key, value, based)`` turns a changed field into the store call that writes it
    (``based``: the value the form showed before, or None), or None to write nothing. ``saved``
    and ``failed`` run on the form after each write.
    """

    def __init__(
        self,
        owner: Widget,
        store: Callable[[], Store],
        job_for: Callable[[K, FieldValue, FieldValue | None], Job | None],
        *,
        saved: Callable[[K, Any], None] | None = None,
        failed: Callable[[K, Refusal], None] | None = None,
    ) -> None:
        self.owner = owner
        self._store = store
        self._job_for = job_for
        self._saved = saved
        self._failed = failed
        self._pending: dict[K, FieldValue] = {}
        self._known: dict[K, FieldValue] = {}  # the value last read, written or queued per field
        self._timer: Timer | None = None

    @property
    def queue(self) -> SaveQueue:
        return SaveQueue.of(self._store())

    @property
    def busy(self) -> bool:
        """Typed, or queued and not yet written."""
        return bool(self._pending) or self.queue.busy

    def is_pending(self, key: K) -> bool:
        return key in self._pending

    def remember(self, key: K, value: FieldValue) -> None:
        """The value the form shows for ``key`` as read from the store."""
        self._known[key] = value

    def forget(self, key: K) -> None:
        """Nothing is known to be stored for ``key`` (the next value is written whatever it is)."""
        self._known.pop(key, None)

    def reset(self) -> None:
        """The form was read again: nothing typed, nothing known."""
        self._pending.clear()
        self._known.clear()

    def drop_pending(self, keep: Callable[[K], bool] = lambda key: False) -> None:
        """Give up what was typed and not yet queued (except the keys ``keep`` says)."""
        for key in [k for k in self._pending if not keep(k)]:
            del self._pending[key]

    def changed(self, key: K, value: FieldValue, *, now: bool = False) -> None:
        """A field changed: write it after the quiet delay, or ``now``."""
        if self._known.get(key, _MISSING) == value:
            self._pending.pop(key, None)
            return
        self._pending[key] = value
        if now:
            self.flush(key)
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.owner.set_timer(DRAFT_DELAY, self.flush)

    def flush(self, key: K | None = None) -> None:
        """Queue what was typed (for ``key``, or for every field)."""
        for k in [key] if key is not None else list(self._pending):
            if k not in self._pending:
                continue
            value = self._pending.pop(k)
            based = self._known.get(k, _MISSING)
            job = self._job_for(k, value, None if based is _MISSING else based)
            if job is None:
                continue
            self._known[k] = value
            self._put(k, job)
        if not self._pending and self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _put(self, key: K, job: Job) -> None:
        def done(result: Any) -> None:
            if self._saved is not None:
                self._saved(key, result)

        def refused(refusal: Refusal) -> None:
            self._known.pop(key, None)
            if self._failed is not None:
                self._failed(key, refusal)

        self.queue.put(self.owner, job, done, refused)
