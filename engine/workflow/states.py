"""The procedure per unit and period, as states and the actions that move between them:

    (none) --save_draft--> draft --submit--> submitted --appraise--> appraised --recognise--> recognized
                           draft <-save_draft                                  --not_recognise--> not_recognized
                                              submitted --return--> returned --submit--> resubmitted
                                                                    returned <-save_draft
                                                                    resubmitted --appraise / return--> ...
                                              submitted <--reopen-- appraised

A commune edits (save_draft, add_evidence) only while the file is a draft or returned to it; submitting makes
it read-only for the commune. The board appraises or returns what was (re)submitted; the province decides on
what was appraised — or, before deciding, sends it back to the board with a comment (reopen: the appraisal was
wrong; the board appraises it again, its earlier appraisal kept in the events). Decided files are final: nothing
moves them (DHIS2's rule: undone only by the level above, which would be a new action here, not an edit).
"""
from __future__ import annotations

from engine.workflow.errors import WrongState

# action -> {state before: state after}; None is "no submission yet".
TRANSITIONS: dict[str, dict[str | None, str]] = {
    "save_draft": {None: "draft", "draft": "draft", "returned": "returned"},
    "add_evidence": {"draft": "draft", "returned": "returned"},
    "submit": {"draft": "submitted", "returned": "resubmitted"},
    "return": {"submitted": "returned", "resubmitted": "returned"},
    "appraise": {"submitted": "appraised", "resubmitted": "appraised"},
    "recognise": {"appraised": "recognized"},
    "not_recognise": {"appraised": "not_recognized"},
    "reopen": {"appraised": "submitted"},
}
STATES = ("draft", "submitted", "returned", "resubmitted", "appraised", "recognized", "not_recognized")
SUBMITTED = ("submitted", "resubmitted", "appraised", "recognized", "not_recognized")  # handed in, at least


def next_state(action: str, state: str | None, unit: str, period: str) -> str:
    """The state `action` leads to from `state`. Raises WrongState when it is not allowed there."""
    moves = TRANSITIONS[action]
    if state not in moves:
        raise WrongState(action, state, unit, period)
    return moves[state]
