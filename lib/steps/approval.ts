import { z } from "zod";
import { roles } from "../auth/permissions.ts";
import { duration } from "../duration.ts";
import { defineStep, jsonValue } from "./types.ts";

const deciders = z.array(z.enum(roles)).max(5);
const people = z.array(z.email()).max(50);

export const approval = defineStep({
  type: "approval",
  label: "Approval",
  description: "Waits for people to approve or reject, then takes that branch. The wait holds no worker.",
  icon: "check",
  category: "flow",
  config: z.strictObject({
    title: z.string().min(1, "Say what is to be decided, e.g. Refund of {{ input.amount }} EUR.").max(200).meta({ title: "Title", description: "What is to be decided; may hold {{ templates }}." }),
    description: z.string().max(5000).optional().meta({ title: "Description", description: "Context for the people deciding; may hold {{ templates }}." }),
    data: jsonValue.optional().meta({ title: "Data under review", description: "Shown to the deciders, e.g. {{ steps.draft.output }}." }),
    roles: deciders.default(["approver"]).meta({ title: "Roles that may decide", description: "Holders of the approvals.decide permission in these roles." }),
    users: people.default([]).meta({ title: "People who may decide", description: "E-mail addresses, whatever their role (they still need approvals.decide)." }),
    quorum: z.int().min(1).max(20).default(1).meta({ title: "Approvals needed", description: "Distinct people who must approve; one rejection rejects." }),
    allowRequester: z.boolean().default(false).meta({ title: "The run's starter may decide", description: "Off: nobody approves their own request." }),
    deadline: duration.optional().meta({ title: "Deadline", description: "How long the request stays open, e.g. 2d. None: it waits until decided." }),
    onDeadline: z.enum(["reject", "approve", "escalate"]).default("reject").meta({ title: "At the deadline", description: "reject (expired), approve, or escalate to other people with a new deadline." }),
    escalateRoles: deciders.default([]).meta({ title: "Escalate to roles", description: "Who decides once escalated (instead of the above)." }),
    escalateUsers: people.default([]).meta({ title: "Escalate to people" }),
    escalationDeadline: duration.optional().meta({ title: "Escalation deadline", description: "How long the escalated request stays open; then it is rejected (expired)." }),
    remindEvery: duration.optional().meta({ title: "Remind every", description: "Reminds the people it waits on while it is open, e.g. 1d." }),
  }),
  defaultConfig: { title: "Approve?", roles: ["approver"], users: [], quorum: 1, allowRequester: false, onDeadline: "reject", escalateRoles: [], escalateUsers: [] },
  // changes_requested is optional: when no edge leaves it, a change request keeps the request
  // open for resubmission instead of ending the step.
  outputs: ["approved", "rejected", "changes_requested"],
  acceptsInput: true,
  waits: ["approval"],
  outputFields: () => ["decision", "decisions", "requestId"],
  validate(config) {
    const problems = [];
    if (config.roles.length === 0 && config.users.length === 0) problems.push({ path: "roles", message: "Name at least one role or person who may decide." });
    if (config.roles.length === 0 && config.users.length > 0 && config.quorum > new Set(config.users.map((u) => u.toLowerCase())).size) {
      problems.push({ path: "quorum", message: `${config.quorum} approvals are needed but only ${new Set(config.users.map((u) => u.toLowerCase())).size} people may decide.` });
    }
    if (config.onDeadline === "escalate") {
      if (!config.deadline) problems.push({ path: "deadline", message: "Escalating needs a deadline to escalate at." });
      if (config.escalateRoles.length === 0 && config.escalateUsers.length === 0) problems.push({ path: "escalateRoles", message: "Name the roles or people to escalate to." });
    }
    return problems;
  },
});
