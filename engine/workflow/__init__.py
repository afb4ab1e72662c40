"""The procedure per unit and period — draft → submitted → returned → resubmitted → appraised → recognised or
not — on the store (engine/store/). For the web layer:

    from engine.workflow import Workflow, Principal
    wf = Workflow(store, library)
    principal = Principal.from_account(engine.store.users.authenticate(store, login, password, address))
    wf.save_draft(principal, "09916", "2025-H1", inputs, version=0)

access.py      who may do what (Principal, ROLE_ACTIONS, can_see, allowed, visible_units)
states.py      the states and the actions that move between them
service.py     the operations (Workflow), each one transaction recording its events
evidence.py    evidence files; filetypes.py decides a file's type by its content (containers.py looks into ZIPs)
queries.py     get, list, audit; views.py the plain data they return
dashboard.py   units by status, recognition rate against the national target, who is late
deadlines.py   due dates per period (engine/data/deadlines.yaml, or a file of the province's)
errors.py      Forbidden 403, NotFound 404, WrongState/StaleVersion 409, Refused 422
"""
from engine.workflow.access import Place, Principal
from engine.workflow.errors import Forbidden, NotFound, Refused, StaleVersion, WorkflowError, WrongState
from engine.workflow.service import Workflow

__all__ = ["Workflow", "Principal", "Place", "WorkflowError", "Forbidden", "NotFound", "Refused", "StaleVersion",
           "WrongState"]
