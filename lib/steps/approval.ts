import { z } from "zod";
import { roles } from "../auth/permissions.ts";
import { defineStep, jsonValue } from "./types.ts";

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
    roles: z.array(z.enum(roles)).max(5).default(["approver"]).meta({ title: "Roles that may decide", description: "Holders of the approvals.decide permission in these roles." }),
    users: z.array(z.email()).max(50).default([]).meta({ title: "People who may decide", description: "E-mail addresses, whatever their role (they still need approvals.decide)." }),
    quorum: z.int().min(1).max(20).default(1).meta({ title: "Approvals needed", description: "Distinct people who must approve; one rejection rejects." }),
    allowRequester: z.boolean().default(false).meta({ title: "The run's starter may decide", description: "Off: nobody approves their own request." }),
  }),
  defaultConfig: { title: "Approve?", roles: ["approver"], users: [], quorum: 1, allowRequester: false },
  outputs: ["approved", "rejected"],
  acceptsInput: true,
  waits: ["approval"],
  outputFields: () => ["decision", "decisions", "requestId"],
  validate(config) {
    return config.roles.length === 0 && config.users.length === 0 ? [{ path: "roles", message: "Name at least one role or person who may decide." }] : [];
  },
});
