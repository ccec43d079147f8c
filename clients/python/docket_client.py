"""A small docket client over the Temporal Python SDK (temporalio): the wire contract only, no Node.

Every process runs as workflow type ``process``; a case's workflow id is its business key. Events
go in through the ``event`` Update, which returns what the event did (state, allowed events,
deadlines, the context keys it changed, the timeline entries it added); ``state`` is a Query
that returns the whole state view with a page of the timeline. Workers require each event's actor
to be signed: connect with ``interceptors=[ActorSigner.from_jwk(path)]`` (needs ``cryptography``).
"""
import asyncio
import base64
import json
import time

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from temporalio.client import (Client, Interceptor, OutboundInterceptor, WorkflowExecutionStatus,
                               WorkflowHandle, WorkflowUpdateFailedError)
from temporalio.common import WorkflowIDReusePolicy
from temporalio.converter import DataConverter
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode


def canonical_json(claims) -> str:
    """RFC 8785 canonical JSON of assertion claims (as ``canonicalJson``, dsl/hash.ts, writes it): they
    hold only strings, string lists and integers, for which sorted keys, no white space and JSON's
    own string escapes are all RFC 8785 asks. Not for floats, whose number format would differ."""
    return json.dumps(claims, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class ActorSigner(Interceptor):
    """A client interceptor that signs the actor of every ``event`` Update and Signal with Ed25519 and
    sends the assertion in the Temporal header ``docket-actor`` (docs/wire-contract.md, "Signed
    actors"). The worker must trust the key's public half as ``kid``; ``issuer`` names who vouched."""

    def __init__(self, kid, private_key: bytes, issuer="docket-client", ttl=300):
        self.kid, self.issuer, self.ttl = kid, issuer, ttl
        self.key = Ed25519PrivateKey.from_private_bytes(private_key)

    @classmethod
    def from_jwk(cls, path, issuer="docket-client"):
        """Reads docket's signing key file: a private Ed25519 JWK (``d``, ``kid``, optional ``issuer``)."""
        with open(path, encoding="utf-8") as f:
            jwk = json.load(f)
        return cls(jwk["kid"], base64.urlsafe_b64decode(jwk["d"] + "=="), jwk.get("issuer") or issuer)

    def assertion(self, case_id, event, now=None) -> dict:
        """The signed assertion that ``event``'s actor sends it to case ``case_id``, valid ``ttl`` s."""
        now = int(time.time() if now is None else now)
        claims = {"v": 1, "sub": event["actor"]["id"], "roles": list(event["actor"]["roles"]), "iss": self.issuer,
                  "case": case_id, "event": event["type"], "iat": now, "exp": now + self.ttl}
        sig = self.key.sign(("docket-actor-assertion/v1\n" + canonical_json(claims)).encode("utf-8"))
        return {"kid": self.kid, "claims": claims, "sig": sig.hex()}

    def intercept_client(self, next: OutboundInterceptor) -> OutboundInterceptor:
        # The header value is a JSON payload (encoding json/plain), as the TypeScript client writes it.
        signer, to_payload = self, DataConverter.default.payload_converter.to_payload

        class SignEvents(OutboundInterceptor):
            async def start_workflow_update(self, i):
                if i.update == "event":
                    i.headers = {**i.headers, "docket-actor": to_payload(signer.assertion(i.id, i.args[0]))}
                return await super().start_workflow_update(i)

            async def signal_workflow(self, i):
                if i.signal == "event":
                    i.headers = {**i.headers, "docket-actor": to_payload(signer.assertion(i.id, i.args[0]))}
                return await super().signal_workflow(i)
        return SignEvents(next)


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

    async def definition(self, process, version=None) -> dict:
        """The registry's answer for a deployed version of ``process`` (default its current one):
        ``hash``, ``version``, ``children`` (the current hash of each child process), ``definition``
        and who deployed it when. Raises ``LookupError`` when the registry has no such version."""
        request = {"process": process}
        if version is not None:
            request["version"] = version
        handle = self.client.get_workflow_handle(f"docket-registry/{self.task_queue}")
        answer = await handle.query("definition", request)
        if answer.get("refused"):
            raise LookupError(f"{answer['refused']['code']}: {answer['refused']['message']}")
        return answer["found"]

    async def start(self, process, case_id, input, version=None, children=None) -> WorkflowHandle:
        """Starts case ``case_id`` of the deployed process ``process`` (its current version, or
        ``version``: a number or a definition hash). ``children`` names the version of each child
        process by hash (``definition()["children"]``); with ``version`` as the full hash, the
        worker can then resolve the definition from memory. A case with that id that already
        exists, running or closed, is returned as it is: the business key is never started twice."""
        args = {"process": process, "input": input}
        if version is not None:
            args["version"] = version
        if children is not None:
            args["children"] = children
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
