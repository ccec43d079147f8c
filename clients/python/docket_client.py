"""A small docket client over the Temporal Python SDK (temporalio): the wire contract only, no Node.

Every process runs as workflow type ``process``; a case's workflow id is its business key. Events
go in through the ``event`` Update, which returns what the event did (state, allowed events,
deadlines, the context keys it changed, the timeline entries it added); ``state`` is a Query
that returns the whole state view with a page of the timeline.
"""
import asyncio

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode


class EventRejected(Exception):
    """The case refused an event: ``code`` (e.g. ``EVENT_NOT_ALLOWED``), ``message``, and
    ``allowed``, the events the sender's roles may send now (empty when the engine does not say)."""

    def __init__(self, code, message, allowed=None):
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.allowed = code, message, list(allowed or [])


class DocketClient:
    """Starts docket cases by process name and drives them with events."""

    def __init__(self, client: Client, task_queue: str = "docket"):
        self.client, self.task_queue = client, task_queue

    async def start(self, process, case_id, input, version=None) -> WorkflowHandle:
        """Starts case ``case_id`` of the deployed process ``process`` (its current version, or
        ``version``: a number or a definition hash). A case with that id that already exists,
        running or closed, is returned as it is: the business key is never started twice."""
        args = {"process": process, "input": input}
        if version is not None:
            args["version"] = version
        try:
            return await self.client.start_workflow(
                "process", args, id=case_id, task_queue=self.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE)
        except WorkflowAlreadyStartedError:
            return self.client.get_workflow_handle(case_id)

    async def send(self, case_id, type, actor_id, roles, data=None) -> dict:
        """Sends event ``type`` as ``actor_id`` holding ``roles``; returns the event result:
        ``status``, ``state``, ``allowed``, ``deadlines``, ``changed`` (context keys the event
        changed), ``timeline`` (the entries it added), ``timelineFrom``, ``outcome``.
        Raises ``EventRejected`` when the case refuses it (a refused event leaves no trace), with
        code ``CASE_CLOSED`` when the case has ended (Temporal answers NOT_FOUND for that).
        ``CASE_STARTING`` (a case resolving its definition, just after its start) is retried."""
        event = {"type": type, "actor": {"id": actor_id, "roles": list(roles)}}
        if data is not None:
            event["data"] = data
        handle = self.client.get_workflow_handle(case_id)
        for attempt in range(100):  # CASE_STARTING: the case is resolving its definition; retry
            try:
                return await handle.execute_update("event", event)
            except WorkflowUpdateFailedError as err:
                cause = err.cause
                if not isinstance(cause, ApplicationError):
                    raise
                if cause.type == "CASE_STARTING" and attempt < 99:
                    await asyncio.sleep(0.1)
                    continue
                info = cause.details[0] if cause.details and isinstance(cause.details[0], dict) else {}
                raise EventRejected(cause.type or "UNKNOWN", info.get("message", cause.message),
                                    info.get("allowed")) from err
            except RPCError as err:
                if err.status != RPCStatusCode.NOT_FOUND:
                    raise
                status = (await handle.describe()).status  # raises NOT_FOUND again for no such case
                if status == WorkflowExecutionStatus.RUNNING:
                    raise
                raise EventRejected("CASE_CLOSED", f"case {case_id} is {status.name.lower()}; "
                                    "it accepts no more events") from err

    async def state(self, case_id, timeline_from=None, timeline_limit=None) -> dict:
        """The case's state view: status, state (dotted paths), allowed, context, deadlines,
        outcome, and a page of the timeline (default the last 100 entries; ``timelineTotal``
        says how many there are, ``timelineFrom`` where the page starts)."""
        page = {}
        if timeline_from is not None:
            page["timelineFrom"] = timeline_from
        if timeline_limit is not None:
            page["timelineLimit"] = timeline_limit
        return await self.client.get_workflow_handle(case_id).query("state", page)

    async def list(self, query) -> list:
        """Cases matching a visibility query, e.g. ``DocketProcess = 'complaint'``, as
        ``(workflow_id, status, {search attribute: value})``. Visibility lags a moment behind."""
        found = []
        async for wf in self.client.list_workflows(f"WorkflowType = 'process' AND ({query})"):
            attrs = {pair.key.name: pair.value for pair in wf.typed_search_attributes}
            found.append((wf.id, wf.status.name if wf.status else "UNKNOWN", attrs))
        return found
