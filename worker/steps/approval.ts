import { definitions } from "#lib/steps/index.ts";
import { recordRequest } from "#lib/approvals/requests.ts";
import { defineExecutor } from "./types.ts";

/** Asks for a decision: the step waits (no worker held) with its request, written together. */
export const approval = defineExecutor(definitions.approval, async (config) => ({
  wait: {
    kind: "approval",
    output: { title: config.title },
    record: recordRequest({ title: config.title, description: config.description, data: config.data, roles: config.roles, users: config.users, quorum: config.quorum, allowRequester: config.allowRequester }),
  },
}));
