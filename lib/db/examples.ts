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
      "Records expenses in the app database; over 100 they need an approver, over 1,000 two of them; the employee hears the outcome by email (the outbox under Settings, until you choose an SMTP credential). Sign in as approver@baton.local (password printed at first start) to decide in Approvals. Try input {\"employee\": \"Ada\", \"email\": \"ada@example.com\", \"amount\": 240, \"purpose\": \"Conference ticket\"}.",
    sampleInput: { employee: "Ada", email: "ada@example.com", amount: 240, purpose: "Conference ticket" },
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
              properties: {
                employee: { type: "string", minLength: 1 },
                email: { type: "string", format: "email" },
                amount: { type: "number", exclusiveMinimum: 0 },
                purpose: { type: "string", minLength: 1 },
              },
            },
          },
        },
        {
          id: "ensure_table",
          type: "database",
          name: "Expenses table",
          position: { x: 260, y: 200 },
          config: {
            sql: "create table if not exists expenses (id serial primary key, employee text not null, amount numeric not null, purpose text not null, status text not null, at timestamptz not null default now())",
            params: [],
            readOnly: false,
            timeoutMs: 10000,
            maxRows: 1,
          },
        },
        { id: "over_1000", type: "condition", name: "Over 1,000?", position: { x: 540, y: 200 }, config: { expression: "input.amount > 1000" } },
        { id: "over_100", type: "condition", name: "Over 100?", position: { x: 820, y: 330 }, config: { expression: "input.amount > 100" } },
        {
          id: "two_approvals",
          type: "approval",
          name: "Two approvals",
          position: { x: 1100, y: 40 },
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
          position: { x: 1100, y: 250 },
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
        { id: "auto_approved", type: "transform", name: "Approve small expense", position: { x: 1100, y: 460 }, config: { output: { approvedBy: "policy: 100 EUR or less" } } },
        {
          id: "pay",
          type: "database",
          name: "Record the payment",
          position: { x: 1380, y: 300 },
          config: {
            sql: "insert into expenses (employee, amount, purpose, status) values ($1, $2, $3, 'paid') returning id",
            params: ["{{ input.employee }}", "{{ input.amount }}", "{{ input.purpose }}"],
            readOnly: false,
            timeoutMs: 10000,
            maxRows: 1,
          },
        },
        {
          id: "tell_paid",
          type: "email",
          name: "Tell the employee it is paid",
          position: { x: 1660, y: 300 },
          config: {
            to: "{{ input.email ? input.email : 'employee@example.com' }}",
            subject: "Your expense of {{ input.amount }} EUR is paid",
            text: "Hello {{ input.employee }}, your expense ({{ input.purpose }}) was approved and paid.",
            timeoutMs: 30000,
          },
        },
        {
          id: "notify",
          type: "email",
          name: "Notify the employee",
          position: { x: 1380, y: 0 },
          config: {
            to: "{{ input.email ? input.email : 'employee@example.com' }}",
            subject: "Your expense of {{ input.amount }} EUR was not approved",
            text: "Hello {{ input.employee }}, your expense ({{ input.purpose }}) was not approved: {{ $string(steps.two_approvals.output.decisions[-1].comment ? steps.two_approvals.output.decisions[-1].comment : steps.manager_approval.output.decisions[-1].comment) }}",
            timeoutMs: 30000,
          },
        },
        { id: "rejected", type: "end", name: "Rejected", position: { x: 1660, y: 0 }, config: { output: { status: "rejected", notified: "{{ steps.notify.output.accepted }}" } } },
        { id: "paid", type: "end", name: "Paid", position: { x: 1940, y: 300 }, config: { output: { status: "paid", amount: "{{ input.amount }}", expenseId: "{{ steps.pay.output.rows[0].id }}" } } },
      ],
      edges: [
        { id: "e0", source: "start", target: "ensure_table" },
        { id: "e1", source: "ensure_table", target: "over_1000" },
        { id: "e2", source: "over_1000", sourceHandle: "true", target: "two_approvals" },
        { id: "e3", source: "over_1000", sourceHandle: "false", target: "over_100" },
        { id: "e4", source: "over_100", sourceHandle: "true", target: "manager_approval" },
        { id: "e5", source: "over_100", sourceHandle: "false", target: "auto_approved" },
        { id: "e6", source: "two_approvals", sourceHandle: "approved", target: "pay" },
        { id: "e7", source: "two_approvals", sourceHandle: "rejected", target: "notify" },
        { id: "e8", source: "manager_approval", sourceHandle: "approved", target: "pay" },
        { id: "e9", source: "manager_approval", sourceHandle: "rejected", target: "notify" },
        { id: "e10", source: "auto_approved", target: "pay" },
        { id: "e11", source: "pay", target: "tell_paid" },
        { id: "e13", source: "tell_paid", target: "paid" },
        { id: "e12", source: "notify", target: "rejected" },
      ],
    },
  },
  {
    name: "Book a trip (example)",
    description:
      "A saga: reserve a flight, reserve a hotel, charge the card. With cardDeclined true the charge fails (402, not retried), and the hotel and then the flight are released by their compensations, latest first.",
    sampleInput: { destination: "Lisbon", cardDeclined: true },
    definition: {
      nodes: [
        {
          id: "start",
          type: "start",
          name: "Trip requested",
          position: { x: 0, y: 0 },
          config: {
            inputSchema: { type: "object", required: ["destination"], properties: { destination: { type: "string" }, cardDeclined: { type: "boolean" } } },
            compensationOrder: "reverse",
          },
        },
        {
          id: "reserve_flight",
          type: "http",
          name: "Reserve flight",
          position: { x: 300, y: 0 },
          config: { method: "POST", url: "/api/v1/demo/flaky?key=flight-{{ run.id }}", body: { destination: "{{ input.destination }}" } },
        },
        {
          id: "reserve_hotel",
          type: "http",
          name: "Reserve hotel",
          position: { x: 600, y: 0 },
          config: { method: "POST", url: "/api/v1/demo/flaky?key=hotel-{{ run.id }}", body: { destination: "{{ input.destination }}" } },
        },
        {
          id: "charge_card",
          type: "http",
          name: "Charge card",
          position: { x: 900, y: 0 },
          config: { method: "POST", url: "/api/v1/demo/flaky?key=charge-{{ run.id }}&status=402&fail={{ input.cardDeclined ? 1 : 0 }}" },
          retry: { maxAttempts: 3, initialDelayMs: 500 },
        },
        { id: "booked", type: "end", name: "Booked", position: { x: 1200, y: 0 }, config: { output: { destination: "{{ input.destination }}", booked: true } } },
        {
          id: "release_flight",
          type: "http",
          name: "Release flight",
          position: { x: 300, y: 200 },
          config: { method: "POST", url: "/api/v1/demo/flaky?key=release-flight-{{ run.id }}", body: { reservation: "{{ original.output.body }}" } },
          retry: { maxAttempts: 5, initialDelayMs: 1000 },
        },
        {
          id: "release_hotel",
          type: "http",
          name: "Release hotel",
          position: { x: 600, y: 200 },
          config: { method: "POST", url: "/api/v1/demo/flaky?key=release-hotel-{{ run.id }}", body: { reservation: "{{ original.output.body }}" } },
          retry: { maxAttempts: 5, initialDelayMs: 1000 },
        },
      ],
      edges: [
        { id: "e1", source: "start", target: "reserve_flight" },
        { id: "e2", source: "reserve_flight", target: "reserve_hotel" },
        { id: "e3", source: "reserve_hotel", target: "charge_card" },
        { id: "e4", source: "charge_card", target: "booked" },
        { id: "u1", source: "reserve_flight", target: "release_flight", kind: "compensation" },
        { id: "u2", source: "reserve_hotel", target: "release_hotel", kind: "compensation" },
      ],
    },
  },
];
