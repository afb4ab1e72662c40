"""The driver of durable_rules' C core: the only module that imports durable_rules.

It creates rulesets (engine/rules/rulesets.py compiles them) and asks them about facts: `post` asserts a list
of facts, as JSON text, and returns the decision of the one rule each fired. It knows nothing of the law.

durable is driven through its C core (durable_rules_engine), not its Python Host: the host runs every fired
rule through a Python closure that serialises the session state and re-parses each message (measured: three
times the cost of the facts themselves). Here a call asserts a chunk of events and walks the fired rules with
start_action_for_state / complete_and_start_action, reading only each rule's name and the ids of the facts it
matched (every rule is capped, so it fires once per call with all of them). An event is consumed by the rule it
matches and never stored, so nothing is retracted (facts, stored then retracted, cost a tenth more on a national
run's questions). durable's known traps, and what is done about each:

- strings compared with numbers are coerced silently: facts carry typed values only (str ids, floats), and
  every fact carries every field the rules of its kind test (a "field is absent" condition hangs);
- ruleset names are global and can never be redefined: a ruleset is named by a hash of its content and
  created once per process (`register`);
- an event stops at the first rule it matches, so overlapping rules would decide silently: `register` posts
  the caller's probe facts (as facts, which reach every rule they match) and refuses the ruleset, with
  EngineError, if any matched two rules;
- an exception inside an action is swallowed by durable's host: no host and no actions here; a fact no rule
  matches, or a failure while reading the fired rules, raises EngineError after every queued action is
  completed (the session stays clean);
- the C core is not thread-safe: one lock around every call, held across a fork (engine/batch.py forks
  workers), so the core is never copied in the middle of a call;
- no Host: no background dispatch or timer threads; one session (durable's default: facts name none);
- past ~10,000 pending actions durable completed only part of a batch synchronously: facts are posted in
  chunks of at most CHUNK.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from typing import Any, Sequence

SESSION = "0"  # durable's default session: facts name none
CHUNK = 2000
PROBE_CHUNK = 100  # probes are facts, stored until retracted: durable keeps the memory a chunk took (6.5 MB at 972)

_LOCK = threading.Lock()
# A worker process is a fork (engine/batch.py): the lock is held across the fork, so the durable core is never
# copied in the middle of a call, and both processes go on with it free.
os.register_at_fork(before=_LOCK.acquire, after_in_parent=_LOCK.release, after_in_child=_LOCK.release)
_HANDLES: dict[str, int] = {}  # ruleset name -> durable's handle, created once per process


class EngineError(RuntimeError):
    """durable_rules did not behave as the compiled rules require; results would be wrong, so stop."""


def ruleset_name(definition: dict) -> str:
    """A ruleset's name in durable, which can never be redefined in a process: a hash of its content."""
    return f"cfc_{hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()[:16]}"


def register(definition: dict, decides: dict[str, Any], probes: list[str]) -> int:
    """durable's handle of a ruleset (rule name -> rule), created once per process and refused (EngineError)
    when one of the probe facts matches two of its rules (see post); a refused ruleset is never used."""
    name = ruleset_name(definition)
    handle = _HANDLES.get(name)
    if handle is None:
        with _LOCK:
            handle = _core().create_ruleset(name, json.dumps(definition))
            _post(decides, handle, probes, events=False, unmatched_ok=True, size=PROBE_CHUNK)
        _HANDLES[name] = handle
    return handle


def registered(definition: dict) -> bool:
    """Whether a ruleset was created (and passed its probe) in this process."""
    return ruleset_name(definition) in _HANDLES


def post(decides: dict[str, Any], handle: int, bodies: Sequence[str]) -> list:
    """The decision of the one rule each fact fires, in order. A fact is JSON text without its closing brace
    (an id is added here); facts are asserted as events, CHUNK at a time. A fact two rules match, or that no rule
    matches, raises EngineError."""
    with _LOCK:
        return _post(decides, handle, bodies)


def facts_left(handle: int) -> list[dict]:
    """The facts a ruleset still holds (none, after any call: events leave nothing behind)."""
    with _LOCK:
        return json.loads(_core().get_facts(handle, SESSION))


def _post(decides: dict, handle: int, bodies: Sequence[str], events: bool = True, unmatched_ok: bool = False,
          size: int = CHUNK) -> list:
    """post() under the lock: as events, or as facts retracted afterwards (probes), `size` at a time. Unless
    `unmatched_ok` (probes), where a fact no rule matches stays None, that is an error too."""
    core = _core()
    decisions: list = [None] * len(bodies)
    for start in range(0, len(bodies), size):
        chunk = bodies[start:start + size]
        text = "[" + ", ".join(f'{body}, "id": "{start + offset}"}}' for offset, body in enumerate(chunk)) + "]"
        if events:
            fired = _fire(core, handle, core.assert_events(handle, text)[1])
        else:
            try:
                fired = _fire(core, handle, core.assert_facts(handle, text)[1])
            finally:
                core.retract_facts(handle, text)
        for rule_name, fact_ids in fired:
            decided = decides[rule_name]
            for fact_id in fact_ids:
                index = int(fact_id)
                if decisions[index] is not None:
                    raise EngineError(f"fact {chunk[index - start]}}} matched two rules: overlapping rules")
                decisions[index] = decided
        undecided = [chunk[i - start] for i in range(start, start + len(chunk)) if decisions[i] is None]
        if undecided and not unmatched_ok:
            raise EngineError(f"{len(undecided)} fact(s) matched no rule, e.g. {undecided[0]}}}")
    return decisions


def _core():
    import durable_rules_engine
    return durable_rules_engine


def _fire(core, handle: int, state: int) -> list[tuple[str, list[str]]]:
    """(rule name, fact ids) for every rule the facts just asserted fire. durable queues one action per fired
    rule; each is read and completed in turn, all of them even after a failure, so nothing is left pending."""
    # Assertion returns code 1 when some fact matched no rule; the others' actions are queued all the same, so
    # they are always drained (and the unmatched facts reported by the caller).
    fired, failure = [], None
    action = core.start_action_for_state(handle, state)
    message = action[1] if action else None
    while message:
        if failure is None:
            try:
                fired.append(read_fired(message))
            except Exception as error:  # keep draining: an action left pending would reach the next call
                failure = error
        message = core.complete_and_start_action(handle, state)
    if failure is not None:
        raise EngineError(f"reading a fired rule from durable_rules failed: {failure}") from failure
    return fired


_FRAME = '{"m":'
_IDS = re.compile(r'"id": "([0-9]+)"\}\}')


def read_fired(message: str) -> tuple[str, list[str]]:
    """durable's message for one fired rule -> (rule name, ids of the facts it matched). A capped rule's
    message is {"rule name": [{"m": fact}, ...]}; one fact's is {"rule name": {"m": fact}}.

    The facts come back as the JSON we asserted, `"id"` last (see _post), so the ids are read from the text when
    there is one per frame (a string value cannot hold `"id": "` unescaped); anything else is parsed as JSON.
    The name is the text before the first `":` unless it holds an escape (a quote, or non-ASCII text that durable
    returns escaped): then too the message is parsed as JSON."""
    end = message.find('":')
    if message.startswith('{"') and end > 2 and "\\" not in message[:end]:
        ids = _IDS.findall(message, end)
        if ids and len(ids) == message.count(_FRAME, end):
            return message[2:end], ids
    (rule_name, matched), = json.loads(message).items()
    return rule_name, [frame["m"]["id"] for frame in (matched if isinstance(matched, list) else [matched])]
