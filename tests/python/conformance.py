"""Conformance scenario for the docket wire contract, driven from Python (temporalio) only.

Starts a complaint and a refund approval by process name, drives both to their final state with
the ``event`` Update, checks that refused events carry their rejection code and ``allowed`` list,
reads the ``state`` Query, and finds both cases through the Docket search attributes.

The definitions must already be deployed on the task queue (with short follow-up timings for the
complaint: tests/integration/python-conformance.test.ts does that). Waits are polled, never assumed.

    python conformance.py --address 127.0.0.1:7233 --namespace default --task-queue docket --run-id x1 \
        --signing-key signing-key.jwk.json

``--signing-key`` is a private Ed25519 JWK whose public half the worker trusts: every event's actor
is then signed (clients/python/docket_client.py ``ActorSigner``); without it events go unsigned,
which only a worker with DOCKET_ALLOW_UNSIGNED_ACTORS=1 accepts. Before the scenario the script
checks the Python canonical JSON and signature against the TypeScript output for a sample.

Progress goes to stderr; the last stdout line is a JSON summary. Exit code 1 on any failure.
"""
import argparse
import asyncio
import base64
import json
import os
import sys
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "clients", "python"))

from temporalio.client import Client, WorkflowExecutionStatus, WorkflowFailureError  # noqa: E402

from docket_client import ActorSigner, DocketClient, EventRejected, canonical_json  # noqa: E402

WAIT_SECONDS = 30.0
LIST_SECONDS = 20.0


# A sample assertion as the TypeScript side writes it (contract/actor-assertion.ts signActorClaims,
# dsl/hash.ts canonicalJson), with the RFC 8032 test key 1: escapes, non-ASCII, integers.
SAMPLE_KEY = bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
SAMPLE_EVENT = {"type": "RESOLVE", "actor": {"id": "Zo\u00eb \"Z\" O'Neil\n\u0001", "roles": ["agent", "lead/\u00e9", "\u5ba2\u670d"]}}
SAMPLE_CANONICAL = ('{"case":"case-1\\t\u20ac","event":"RESOLVE","exp":1767225900,"iat":1767225600,"iss":"docket-test",'
                    '"roles":["agent","lead/\u00e9","\u5ba2\u670d"],"sub":"Zo\u00eb \\"Z\\" O\'Neil\\n\\u0001","v":1}')
SAMPLE_SIG = ("39c4b9e1266c68451393e521da3496a795f976327face1a7b69f83fd392a36fe"
              "ee8e09066600ae69a414aeea26499ed83f7b266b3c1cf80494ca04969db3a606")


class ConformanceError(Exception):
    """A check of the scenario failed."""


def log(message):
    print(f"[conformance] {message}", file=sys.stderr, flush=True)


def check(condition, message):
    if not condition:
        raise ConformanceError(message)


async def wait_for(docket, case_id, predicate, what, timeout=WAIT_SECONDS):
    """Polls the ``state`` Query until ``predicate(view)`` holds; the last view on timeout."""
    deadline = time.monotonic() + timeout
    view, last_error = None, None
    while True:
        try:
            view = await docket.state(case_id)
            if predicate(view):
                return view
        except Exception as err:  # not queryable yet (first workflow task), or a transient RPC error
            last_error = err
            if await closed(docket, case_id):
                raise ConformanceError(f"{case_id} closed before {what}, its state unreadable ({err}){await why_failed(docket, case_id)}")
        # A case that failed at its start answers the query with status "starting": ask Temporal.
        if view is not None and view["status"] != "running" and (ended(view) or await closed(docket, case_id)):
            raise ConformanceError(f"{case_id} ended ({view['status']}, state {view['state']}) before {what}{await why_failed(docket, case_id)}")
        if time.monotonic() > deadline:
            seen = f"it is in {view['state']} ({view['status']})" if view else f"no state: {last_error!r}"
            raise ConformanceError(f"{case_id} never reached {what} within {timeout:.0f}s; {seen}")
        await asyncio.sleep(0.2)


async def closed(docket, case_id):
    """Whether the case's workflow has closed (failed, terminated, …); False when unknown."""
    try:
        status = (await docket.client.get_workflow_handle(case_id).describe()).status
    except Exception:
        return False
    return status is not None and status != WorkflowExecutionStatus.RUNNING


async def why_failed(docket, case_id):
    """The failure type and message of a case that failed (e.g. DEFINITION_NOT_FOUND), or ''."""
    try:
        await docket.client.get_workflow_handle(case_id).result()
    except WorkflowFailureError as err:
        cause = err.cause
        return f": {getattr(cause, 'type', None) or type(cause).__name__}: {getattr(cause, 'message', cause)}"
    except Exception as err:
        return f": {type(err).__name__}: {err}"
    return ""


def in_state(path):
    return lambda view: path in view["state"]


def ended(view):
    return view["status"] not in ("starting", "running")


async def wait_state(docket, case_id, path):
    return await wait_for(docket, case_id, in_state(path), path)


async def expect_rejected(docket, case_id, event, code, allowed=None, message=None, summary=None):
    """Sends an event that must be refused with ``code`` (and ``allowed``, when given)."""
    try:
        view = await docket.send(case_id, **event)
    except EventRejected as rejected:
        check(rejected.code == code, f"{event['type']} on {case_id}: expected {code}, got {rejected.code}: {rejected.message}")
        if allowed is not None:
            check(sorted(rejected.allowed) == sorted(allowed),
                  f"{code} on {case_id}: expected allowed {sorted(allowed)}, got {rejected.allowed}")
        if message is not None:
            check(message in rejected.message, f"{code} on {case_id}: message {rejected.message!r} lacks {message!r}")
        log(f"refused as expected: {code} ({rejected.message})")
        if summary is not None:
            summary.append({"case": case_id, "event": event["type"], "code": rejected.code, "allowed": rejected.allowed})
        return rejected
    raise ConformanceError(f"{event['type']} on {case_id} was accepted (state {view['state']}); expected {code}")


async def complaint(docket, case_id, rejections):
    """P2 complaint: accept, transfer, department reply, resolve, 3+7 follow-up, closed."""
    intake = {
        "customerId": "cust-7", "customerName": "Li Wei", "contact": "+86 138 0000 0000", "channel": "wechat",
        "category": {"level1": "logistics_delay", "level2": "late parcel"},
        "description": "Parcel two weeks late", "demand": "deliver or refund", "impact": "ordinary",
    }
    first = await docket.start("complaint", case_id, intake)
    again = await docket.start("complaint", case_id, {**intake, "impact": "outage"})
    check(first.id == again.id == case_id, f"second start of {case_id} returned {again.id}")

    view = await wait_state(docket, case_id, "awaiting_response")
    check(view["context"]["priority"] == "P2", f"{case_id}: priority {view['context'].get('priority')}, expected P2 (the second start must not restart it)")
    check(view["allowed"].get("agent") == ["ACCEPT"], f"{case_id}: allowed for agent {view['allowed'].get('agent')}")
    check(any(d["name"] == "response deadline" for d in view["deadlines"]), f"{case_id}: no response deadline in {view['deadlines']}")

    await docket.send(case_id, "ACCEPT", "alice", ["agent"])
    view = await wait_state(docket, case_id, "handling.working")
    check(view["context"]["owner"] == "alice", f"{case_id}: owner {view['context'].get('owner')}")

    resolve = {"type": "RESOLVE", "actor_id": "alice", "roles": ["agent"], "data": {"resolution": "x"}}
    await expect_rejected(docket, case_id, {"type": "ACCEPT", "actor_id": "bob", "roles": ["agent"]},
                          "EVENT_NOT_ALLOWED", allowed=["RESOLVE", "TRANSFER"], summary=rejections)
    await expect_rejected(docket, case_id, {**resolve, "type": "RESOLV"}, "UNKNOWN_EVENT", message='did you mean "RESOLVE"', summary=rejections)
    await expect_rejected(docket, case_id, {**resolve, "actor_id": "cust-7", "roles": ["customer"]}, "ROLE_NOT_ALLOWED", summary=rejections)
    await expect_rejected(docket, case_id, {**resolve, "data": {}}, "INVALID_PAYLOAD", message="data.resolution: is required", summary=rejections)
    await expect_rejected(docket, case_id, {**resolve, "actor_id": "bob"}, "GUARD_FAILED", message="only the case owner resolves it", summary=rejections)
    await expect_rejected(docket, case_id, {**resolve, "actor_id": ""}, "INVALID_EVENT", summary=rejections)
    view = await docket.state(case_id)
    check(view["state"] == ["handling.working"], f"{case_id}: refused events moved it to {view['state']}")

    view = await docket.send(case_id, "TRANSFER", "alice", ["agent"],
                             {"department": "logistics", "contact": "wang.fang", "need": "locate parcel 8812"})
    check(view["state"] == ["handling.transferring"], f"{case_id}: TRANSFER led to {view['state']}")
    await wait_state(docket, case_id, "handling.with_department")
    await docket.send(case_id, "DEPARTMENT_REPLY", "wang.fang", ["department"], {"note": "parcel found, arrives tomorrow"})
    view = await docket.send(case_id, "RESOLVE", "alice", ["agent"], {"resolution": "parcel delivered"})
    check(view["state"] == ["resolved.waiting_confirmation"], f"{case_id}: RESOLVE led to {view['state']}")
    # The Update answers what the event did; the whole timeline comes from the Query, by page.
    check(view["changed"].get("resolution") == "parcel delivered", f"{case_id}: RESOLVE changed {view['changed']}")
    # Not the case id (the Update was addressed to it), and only roles that may send something.
    check("workflowId" not in view and view["allowed"] and all(view["allowed"].values()),
          f"{case_id}: RESOLVE result repeats the case id or lists a role with nothing allowed: {view}")
    check([e.get("event") for e in view["timeline"] if e["kind"] == "transition"] == ["RESOLVE"], f"{case_id}: RESOLVE added {view['timeline']}")
    page = await docket.state(case_id, timeline_from=view["timelineFrom"], timeline_limit=1)
    check(page["timeline"] == view["timeline"][:1] and page["timelineTotal"] > 1, f"{case_id}: timeline page {page['timeline']} of {page.get('timelineTotal')}")

    await wait_state(docket, case_id, "resolved.confirmation_call")
    await docket.send(case_id, "CONFIRM_SOLVED", "cust-7", ["customer"])
    await wait_state(docket, case_id, "resolved.satisfaction_call")
    await docket.send(case_id, "SATISFACTION", "cust-7", ["customer"], {"score": 5})
    done = await wait_for(docket, case_id, ended, "its end")
    await expect_rejected(docket, case_id, {"type": "SATISFACTION", "actor_id": "cust-7", "roles": ["customer"], "data": {"score": 1}},
                          "CASE_CLOSED", summary=rejections)
    return done


async def refund(docket, case_id, rejections):
    """Refund of 2400 CNY: above the lead's limit, so the supervisor and then finance approve."""
    await docket.start("refund-approval", case_id, {
        "caseId": "C-7001", "amount": 2400, "currency": "CNY", "requestedBy": "alice",
        "customerId": "cust-7", "reason": "parcel lost",
    })
    view = await wait_state(docket, case_id, "review.supervisor")
    check(view["context"]["route"] == ["supervisor", "finance"], f"{case_id}: route {view['context'].get('route')}")
    check(view["allowed"].get("supervisor") == ["APPROVE", "REJECT", "REQUEST_INFO"], f"{case_id}: allowed {view['allowed']}")

    await expect_rejected(docket, case_id, {"type": "APPROVE", "actor_id": "fay.fin", "roles": ["finance"]},
                          "ROLE_NOT_ALLOWED", message="this step is for: supervisor", summary=rejections)
    await expect_rejected(docket, case_id, {"type": "RESUBMIT", "actor_id": "sam.sup", "roles": ["supervisor"], "data": {"answer": "x"}},
                          "EVENT_NOT_ALLOWED", allowed=["APPROVE", "REJECT", "REQUEST_INFO"], summary=rejections)

    view = await docket.send(case_id, "APPROVE", "sam.sup", ["supervisor"])
    check(view["state"] == ["review.finance"], f"{case_id}: supervisor APPROVE led to {view['state']}")
    await docket.send(case_id, "APPROVE", "fay.fin", ["finance"], {"note": "order checked"})
    return await wait_for(docket, case_id, ended, "its end")


async def listed(docket, process, case_id, outcome):
    """Polls the visibility list by DocketProcess until the closed case shows with its outcome."""
    query = f"DocketProcess = '{process}' AND WorkflowId = '{case_id}'"
    deadline = time.monotonic() + LIST_SECONDS
    while True:
        found = await docket.list(query)
        if len(found) == 1 and found[0][1] == "COMPLETED" and found[0][2].get("DocketOutcome") == outcome:
            workflow_id, status, attrs = found[0]
            return {"id": workflow_id, "status": status, "DocketProcess": attrs.get("DocketProcess"),
                    "DocketState": attrs.get("DocketState"), "DocketOutcome": attrs.get("DocketOutcome")}
        if time.monotonic() > deadline:
            raise ConformanceError(f"list {query!r} did not show {case_id} completed with outcome {outcome} "
                                   f"within {LIST_SECONDS:.0f}s; it shows {found}")
        await asyncio.sleep(0.5)


async def pinned_start(docket, run_id, signed):
    """Starts two refunds as the TypeScript client does, by full hash with the children's versions
    the registry answers: the second one's definition step is the worker's local lookup, a marker
    whose result is raw DEFLATE of the resolution's JSON (read here with zlib), with no activity."""
    found = await docket.definition("refund-approval")
    check(len(found["hash"]) == 64 and found["children"] == {}, f"registry answer: hash {found['hash']}, children {found.get('children')}")
    ids = [f"py-pinned-{run_id}-{n}" for n in (1, 2)]
    for case_id in ids:
        await docket.start("refund-approval", case_id, {
            "caseId": "C-7002", "amount": 90, "requestedBy": "alice", "customerId": "cust-8", "reason": "dented box",
        }, version=found["hash"], children=found["children"])
        await wait_state(docket, case_id, "review.lead")
    history = await docket.client.get_workflow_handle(ids[1]).fetch_history()
    markers = [e.marker_recorded_event_attributes for e in history.events if e.HasField("marker_recorded_event_attributes")]
    activities = [e.activity_task_scheduled_event_attributes.activity_type.name for e in history.events
                  if e.HasField("activity_task_scheduled_event_attributes")]
    check(len(markers) == 1 and markers[0].marker_name == "core_local_activity", f"{ids[1]}: markers {[m.marker_name for m in markers]}")
    check("resolveDefinition" not in activities, f"{ids[1]}: the definition step went to the registry: {activities}")
    payload = markers[0].details["result"].payloads[0]
    check(payload.metadata["encoding"] == b"binary/plain", f"{ids[1]}: marker result encoding {payload.metadata['encoding']}")
    resolved = json.loads(zlib.decompress(payload.data, -15))
    check(resolved["hash"] == found["hash"] and resolved["version"] == found["version"],
          f"{ids[1]}: the marker resolved {resolved.get('hash')} v{resolved.get('version')}, the registry answered {found['hash']}")
    definition = json.loads(zlib.decompress(base64.b64decode(resolved["definitionDeflated"]), -15))
    check(definition["process"] == "refund-approval", f"{ids[1]}: packed definition is {definition.get('process')}")
    for case_id in ids:
        await docket.client.get_workflow_handle(case_id).terminate("conformance: pinned start checked")
    return {"ids": ids, "definitionStep": "resolveKnownDefinition", "markerBytes": len(payload.data), "signed": signed}


def check_signing_sample():
    """The Python canonical JSON and Ed25519 signature equal the TypeScript ones for the sample."""
    signed = ActorSigner("sample", SAMPLE_KEY, issuer="docket-test").assertion("case-1\t\u20ac", SAMPLE_EVENT, now=1767225600)
    text = canonical_json(signed["claims"])
    check(text == SAMPLE_CANONICAL, f"canonical JSON differs from the TypeScript one:\n  python {text}\n  ts     {SAMPLE_CANONICAL}")
    check(signed["sig"] == SAMPLE_SIG, f"signature differs from the TypeScript one: {signed['sig']}")
    log("signing sample: canonical JSON and signature match the TypeScript output")


async def scenario(args):
    started = time.monotonic()
    check_signing_sample()
    signers = [ActorSigner.from_jwk(args.signing_key)] if args.signing_key else []
    log(f"signing actors with key {signers[0].kid}" if signers else "not signing actors (no --signing-key)")
    client = await Client.connect(args.address, namespace=args.namespace, interceptors=signers)
    docket = DocketClient(client, args.task_queue)
    complaint_id, refund_id = f"py-complaint-{args.run_id}", f"py-refund-{args.run_id}"
    rejections = []

    log(f"complaint {complaint_id}")
    done = await complaint(docket, complaint_id, rejections)
    check((done["status"], done.get("outcome")) == ("completed", "closed"),
          f"{complaint_id} ended {done['status']} with outcome {done.get('outcome')}, expected completed/closed")
    check(done["context"].get("satisfaction") == 5, f"{complaint_id}: satisfaction {done['context'].get('satisfaction')}")

    log(f"refund {refund_id}")
    paid = await refund(docket, refund_id, rejections)
    check((paid["status"], paid.get("outcome")) == ("completed", "approved"),
          f"{refund_id} ended {paid['status']} with outcome {paid.get('outcome')}, expected completed/approved")
    approvers = [a["by"] for a in paid["context"]["approvals"]]
    check(approvers == ["sam.sup", "fay.fin"], f"{refund_id}: approvals by {approvers}")

    log("two refunds started by full hash with their children's versions (the worker's local lookup)")
    pinned = await pinned_start(docket, args.run_id, bool(signers))

    log("listing both cases by DocketProcess")
    found = [await listed(docket, "complaint", complaint_id, "closed"),
             await listed(docket, "refund-approval", refund_id, "approved")]
    return {
        "ok": True,
        "complaint": {"id": complaint_id, "status": done["status"], "outcome": done["outcome"], "state": done["state"]},
        "refund": {"id": refund_id, "status": paid["status"], "outcome": paid["outcome"], "state": paid["state"],
                   "approvedBy": approvers},
        "rejections": rejections,
        "listed": found,
        "pinned": pinned,
        "seconds": round(time.monotonic() - started, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--address", default=os.environ.get("TEMPORAL_ADDRESS", "127.0.0.1:7233"))
    parser.add_argument("--namespace", default=os.environ.get("TEMPORAL_NAMESPACE", "default"))
    parser.add_argument("--task-queue", default=os.environ.get("DOCKET_TASK_QUEUE", "docket"))
    parser.add_argument("--run-id", default=str(int(time.time())), help="suffix of the case ids")
    parser.add_argument("--signing-key", default=os.environ.get("DOCKET_ACTOR_SIGNING_KEY"),
                        help="private Ed25519 JWK to sign actors with (default $DOCKET_ACTOR_SIGNING_KEY)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds for the whole scenario")
    args = parser.parse_args()
    try:
        summary = asyncio.run(asyncio.wait_for(scenario(args), args.timeout))
    except ConformanceError as err:
        print(f"conformance FAILED: {err}", file=sys.stderr)
        sys.exit(1)
    except asyncio.TimeoutError:
        print(f"conformance FAILED: the scenario did not finish within {args.timeout:.0f}s", file=sys.stderr)
        sys.exit(1)
    except Exception as err:  # connection refused, unexpected RPC failure, a wrong-shaped reply
        print(f"conformance FAILED: {type(err).__name__}: {err}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps(summary), flush=True)
    sys.stderr.flush()
    # Leave without the interpreter's teardown: with temporalio 1.35 it sometimes dies by a signal
    # while the SDK's Rust runtime threads stop, after the scenario has passed (seen under load).
    os._exit(0)


if __name__ == "__main__":
    main()
