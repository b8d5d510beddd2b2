// Example workflows seeded on first start, published, so a new user can run them at once (no
// outside network needed): one shows a condition, a parallel pair and joins; one calls Baton's
// own failing demo endpoint to show retries with backoff and the dead-letter queue; one waits
// for people's approval (with the seeded demo approver).
import type { Definition } from "../workflow/definition.ts";

export interface Example {
  name: string;
  description: string;
  definition: Definition;
  sampleInput: unknown;
}

export const examples: Example[] = [
  {
    name: "Order routing (example)",
    description:
      "Routes an order by amount (condition), then reserves stock while waiting for a carrier (parallel pair), and joins. Try input {\"orderId\": \"A-1\", \"amount\": 250}.",
    sampleInput: { orderId: "A-1", amount: 250 },
    definition: {
      nodes: [
        {
          id: "start",
          type: "start",
          name: "Order received",
          position: { x: 0, y: 130 },
          config: {
            inputSchema: {
              type: "object",
              required: ["orderId", "amount"],
              properties: { orderId: { type: "string", minLength: 1 }, amount: { type: "number", minimum: 0 } },
            },
          },
        },
        { id: "check_amount", type: "condition", name: "Amount over 100?", position: { x: 300, y: 130 }, config: { expression: "input.amount > 100" } },
        {
          id: "manual_review",
          type: "transform",
          name: "Flag for review",
          position: { x: 600, y: 0 },
          config: { output: { route: "review", reason: "{{ 'Amount ' & $string(input.amount) & ' is over the limit' }}" } },
        },
        { id: "auto_approve", type: "transform", name: "Approve automatically", position: { x: 600, y: 260 }, config: { output: { route: "auto", approved: true } } },
        {
          id: "prepare",
          type: "transform",
          name: "Prepare shipment",
          position: { x: 900, y: 130 },
          config: { output: { orderId: "{{ input.orderId }}", decision: "{{ steps.manual_review.output ? steps.manual_review.output : steps.auto_approve.output }}" } },
        },
        {
          id: "reserve_stock",
          type: "transform",
          name: "Reserve stock",
          position: { x: 1200, y: 0 },
          config: { output: { reserved: true, sku: "{{ 'SKU-' & input.orderId }}" } },
        },
        { id: "wait_for_carrier", type: "delay", name: "Wait for carrier", position: { x: 1200, y: 260 }, config: { durationMs: 2000 } },
        {
          id: "done",
          type: "end",
          name: "Shipped",
          position: { x: 1500, y: 130 },
          config: {
            output: {
              orderId: "{{ input.orderId }}",
              decision: "{{ steps.prepare.output.decision }}",
              stock: "{{ steps.reserve_stock.output }}",
              carrierReadyAt: "{{ steps.wait_for_carrier.output.until }}",
            },
          },
        },
      ],
      edges: [
        { id: "e1", source: "start", target: "check_amount" },
        { id: "e2", source: "check_amount", sourceHandle: "true", target: "manual_review" },
        { id: "e3", source: "check_amount", sourceHandle: "false", target: "auto_approve" },
        { id: "e4", source: "manual_review", target: "prepare" },
        { id: "e5", source: "auto_approve", target: "prepare" },
        { id: "e6", source: "prepare", target: "reserve_stock" },
        { id: "e7", source: "prepare", target: "wait_for_carrier" },
        { id: "e8", source: "reserve_stock", target: "done" },
        { id: "e9", source: "wait_for_carrier", target: "done" },
      ],
    },
  },
  {
    name: "Flaky HTTP call (example)",
    description:
      "Calls Baton's demo endpoint, which fails the first failTimes calls with 503. failTimes 2 succeeds on the third attempt; 5 exhausts the 4 attempts and lands in the dead letters.",
    sampleInput: { failTimes: 2 },
    definition: {
      nodes: [
        {
          id: "start",
          type: "start",
          name: "Start",
          position: { x: 0, y: 0 },
          config: {
            inputSchema: { type: "object", required: ["failTimes"], properties: { failTimes: { type: "integer", minimum: 0, maximum: 20 } } },
          },
        },
        {
          id: "call_api",
          type: "http",
          name: "Call flaky API",
          position: { x: 300, y: 0 },
          config: { method: "GET", url: "/api/v1/demo/flaky?key={{ run.id }}&fail={{ input.failTimes }}" },
          retry: { maxAttempts: 4, initialDelayMs: 500, multiplier: 2, maxDelayMs: 5000, jitter: "none" },
        },
        { id: "done", type: "end", name: "Done", position: { x: 600, y: 0 }, config: { output: { succeededOnCall: "{{ steps.call_api.output.body.call }}" } } },
      ],
      edges: [
        { id: "e1", source: "start", target: "call_api" },
        { id: "e2", source: "call_api", target: "done" },
      ],
    },
  },
  {
    name: "Expense approval (example)",
    description:
      "Expenses over 100 need an approver, over 1,000 two of them; a rejection notifies the employee, an approval pays. Sign in as approver@baton.local (password printed at first start) to decide in Approvals. Try input {\"employee\": \"Ada\", \"amount\": 240, \"purpose\": \"Conference ticket\"}.",
    sampleInput: { employee: "Ada", amount: 240, purpose: "Conference ticket" },
    definition: {
      nodes: [
        {
          id: "start",
          type: "start",
          name: "Expense submitted",
          position: { x: 0, y: 200 },
          config: {
            inputSchema: {
              type: "object",
              required: ["employee", "amount", "purpose"],
              properties: { employee: { type: "string", minLength: 1 }, amount: { type: "number", exclusiveMinimum: 0 }, purpose: { type: "string", minLength: 1 } },
            },
          },
        },
        { id: "over_1000", type: "condition", name: "Over 1,000?", position: { x: 280, y: 200 }, config: { expression: "input.amount > 1000" } },
        { id: "over_100", type: "condition", name: "Over 100?", position: { x: 560, y: 330 }, config: { expression: "input.amount > 100" } },
        {
          id: "two_approvals",
          type: "approval",
          name: "Two approvals",
          position: { x: 840, y: 40 },
          config: {
            title: "Expense of {{ input.amount }} EUR by {{ input.employee }}",
            description: "{{ input.purpose }}. Over 1,000 EUR: two approvers must agree.",
            data: { employee: "{{ input.employee }}", amount: "{{ input.amount }}", purpose: "{{ input.purpose }}" },
            roles: ["approver", "admin"],
            users: [],
            quorum: 2,
            allowRequester: false,
            deadline: "3d",
            onDeadline: "reject",
            escalateRoles: [],
            escalateUsers: [],
            remindEvery: "1d",
          },
        },
        {
          id: "manager_approval",
          type: "approval",
          name: "Manager approval",
          position: { x: 840, y: 250 },
          config: {
            title: "Expense of {{ input.amount }} EUR by {{ input.employee }}",
            description: "{{ input.purpose }}",
            data: { employee: "{{ input.employee }}", amount: "{{ input.amount }}", purpose: "{{ input.purpose }}" },
            roles: ["approver"],
            users: [],
            quorum: 1,
            allowRequester: false,
            deadline: "2d",
            onDeadline: "escalate",
            escalateRoles: ["admin"],
            escalateUsers: [],
            escalationDeadline: "1d",
          },
        },
        { id: "auto_approved", type: "transform", name: "Approve small expense", position: { x: 840, y: 460 }, config: { output: { approvedBy: "policy: 100 EUR or less" } } },
        { id: "notify", type: "transform", name: "Notify the employee", position: { x: 1120, y: 0 }, config: { output: { to: "{{ input.employee }}", message: "{{ 'Your expense of ' & $string(input.amount) & ' EUR was not approved.' }}" } } },
        { id: "pay", type: "transform", name: "Pay", position: { x: 1120, y: 300 }, config: { output: { paid: "{{ input.amount }}", to: "{{ input.employee }}" } } },
        { id: "rejected", type: "end", name: "Rejected", position: { x: 1400, y: 0 }, config: { output: { status: "rejected", notice: "{{ steps.notify.output.message }}" } } },
        { id: "paid", type: "end", name: "Paid", position: { x: 1400, y: 300 }, config: { output: { status: "paid", amount: "{{ steps.pay.output.paid }}" } } },
      ],
      edges: [
        { id: "e1", source: "start", target: "over_1000" },
        { id: "e2", source: "over_1000", sourceHandle: "true", target: "two_approvals" },
        { id: "e3", source: "over_1000", sourceHandle: "false", target: "over_100" },
        { id: "e4", source: "over_100", sourceHandle: "true", target: "manager_approval" },
        { id: "e5", source: "over_100", sourceHandle: "false", target: "auto_approved" },
        { id: "e6", source: "two_approvals", sourceHandle: "approved", target: "pay" },
        { id: "e7", source: "two_approvals", sourceHandle: "rejected", target: "notify" },
        { id: "e8", source: "manager_approval", sourceHandle: "approved", target: "pay" },
        { id: "e9", source: "manager_approval", sourceHandle: "rejected", target: "notify" },
        { id: "e10", source: "auto_approved", target: "pay" },
        { id: "e11", source: "pay", target: "paid" },
        { id: "e12", source: "notify", target: "rejected" },
      ],
    },
  },
];
