"""Evidence files (hồ sơ minh chứng): attached by the commune while it may edit, per criterion; read by whoever
may see the unit. The type is decided by the content (filetypes.py); the bytes are kept in the database. The
same file attached twice to the same criterion is kept once (a retried upload is not a second file). A file
withdrawn while the commune may edit is no longer part of the file, but stays in the database and the events."""
from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.messages import Message
from engine.store import audit
from engine.store.models import Evidence, Submission, Unit, utcnow
from engine.workflow.access import Place, Principal
from engine.workflow.errors import Forbidden, NotFound, Refused
from engine.workflow.filetypes import MAX_EVIDENCE_BYTES, clean_name, detect
from engine.workflow.views import EvidenceInfo, evidence_info


class EvidenceOperations:
    """Mixed into Workflow (engine/workflow/service.py), which provides store, library, key_of and _check."""

    evidence_limit = MAX_EVIDENCE_BYTES

    def add_evidence(self, principal: Principal, unit_code: str, period: str, content: bytes, name: str,
                     criterion: int | None = None) -> EvidenceInfo:
        """Attach a file to the unit's draft (or returned file). Raises Refused for an empty or too large file,
        a type not accepted, or a criterion the period's set does not have."""
        from engine.workflow.service import key_of

        code, per = key_of(unit_code, period)
        if not isinstance(content, (bytes, bytearray)) or not content:
            raise Refused("evidence_empty", name=str(name))
        if len(content) > self.evidence_limit:
            raise Refused("evidence_too_large", name=str(name), limit=self.evidence_limit // (1024 * 1024))
        content_type = detect(bytes(content), str(name))
        number = _criterion(self.library, per.text, criterion)
        digest = hashlib.sha256(content).hexdigest()
        try:
            with self.store.writing() as session:
                row = self._row(session, code, per)
                self._check(principal, "add_evidence", self._place(session, code), row, None, code, per, session)
                kept = session.scalars(select(Evidence).where(
                    Evidence.submission_id == row.id, Evidence.sha256 == digest,
                    Evidence.criterion.is_(None) if number is None else Evidence.criterion == number)).one_or_none()
                if kept is not None and kept.withdrawn_at is None:
                    return evidence_info(kept, code, per.text)
                if kept is not None:  # withdrawn earlier, attached again: the same row comes back, and says so
                    kept.withdrawn_at = kept.withdrawn_by = None
                    audit.record(session, "submission.add_evidence", principal.login, unit_code=code, period=per.text,
                                 after={"id": kept.id, "criterion": number, "name": kept.name, "content_type":
                                        kept.content_type, "size": kept.size, "sha256": digest, "restored": True})
                    return evidence_info(kept, code, per.text)
                file = Evidence(submission_id=row.id, criterion=number, name=clean_name(name, content_type),
                                content_type=content_type, size=len(content), sha256=digest, content=bytes(content),
                                uploaded_by=principal.login, uploaded_at=utcnow())
                session.add(file)
                session.flush()
                audit.record(session, "submission.add_evidence", principal.login, unit_code=code, period=per.text,
                             after={"id": file.id, "criterion": number, "name": file.name,
                                    "content_type": content_type, "size": file.size, "sha256": digest})
                return evidence_info(file, code, per.text)
        except IntegrityError:  # the same file, attached at the same moment by a retried request
            with self.store.reading() as session:
                kept = session.scalars(select(Evidence).join(Submission).where(
                    Submission.unit_code == code, Submission.period == per.text, Evidence.sha256 == digest)).first()
                if kept is None:
                    raise
                return evidence_info(kept, code, per.text)

    def withdraw_evidence(self, principal: Principal, unit_code: str, period: str, evidence_id: int) -> EvidenceInfo:
        """Take a file out of the unit's draft (or returned file): whoever may attach may withdraw, in the same
        states. The file is marked, never deleted; the event keeps what it was."""
        from engine.workflow.service import key_of

        code, per = key_of(unit_code, period)
        with self.store.writing() as session:
            row = self._row(session, code, per)
            self._check(principal, "add_evidence", self._place(session, code), row, None, code, per, session)
            file = session.get(Evidence, int(evidence_id))
            if file is None or file.submission_id != row.id or file.withdrawn_at is not None:
                raise NotFound("evidence_not_found", id=evidence_id)
            file.withdrawn_at, file.withdrawn_by = utcnow(), principal.login
            audit.record(session, "submission.withdraw_evidence", principal.login, unit_code=code, period=per.text,
                         before={"id": file.id, "criterion": file.criterion, "name": file.name,
                                 "content_type": file.content_type, "size": file.size, "sha256": file.sha256},
                         at=file.withdrawn_at)
            return evidence_info(file, code, per.text)

    def evidence_file(self, principal: Principal, evidence_id: int) -> tuple[EvidenceInfo, bytes]:
        """A file and its bytes, for someone who may see its unit. Serve it as an attachment with its detected
        content type (and X-Content-Type-Options: nosniff), never inline as HTML."""
        with self.store.reading() as session:
            found = session.execute(select(Evidence, Submission.unit_code, Submission.period).join(Submission)
                                    .where(Evidence.id == int(evidence_id))).one_or_none()
            if found is None:
                raise NotFound("evidence_not_found", id=evidence_id)
            file, code, period = found
            if file.withdrawn_at is not None:
                raise NotFound("evidence_not_found", id=evidence_id)
            if not principal.may("view") or not principal.can_see(Place.of(session.get(Unit, code), code)):
                raise Forbidden("wf_forbidden", login=principal.login, action=Message("wf_action_view"), unit=code)
            return evidence_info(file, code, period), file.content


def _criterion(library, period: str, criterion) -> int | None:
    """The criterion number an evidence file is for (None: the whole file), checked against the period's set."""
    if criterion is None or str(criterion).strip() == "":
        return None
    numbers = {c.number for c in library.for_period(period).criteria}
    try:
        number = int(str(criterion).strip())
    except ValueError:
        number = None
    if number not in numbers:
        raise Refused("evidence_criterion", criterion=str(criterion), numbers=", ".join(map(str, sorted(numbers))))
    return number
