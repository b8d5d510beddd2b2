import { definitions } from "#lib/steps/index.ts";
import { recordRequest } from "#lib/approvals/requests.ts";
import { parseDuration } from "#lib/duration.ts";
import { defineExecutor } from "./types.ts";

const ms = (text: string | undefined) => (text === undefined ? undefined : parseDuration(text));

/** Asks for a decision: the step waits (no worker held) with its request, written together. */
export const approval = defineExecutor(definitions.approval, async (config) => ({
  wait: {
    kind: "approval",
    until: config.deadline === undefined ? undefined : new Date(Date.now() + parseDuration(config.deadline)),
    output: { title: config.title },
    record: recordRequest({
      title: config.title,
      description: config.description,
      data: config.data,
      roles: config.roles,
      users: config.users,
      quorum: config.quorum,
      allowRequester: config.allowRequester,
      policy: {
        onDeadline: config.onDeadline,
        escalateRoles: config.escalateRoles,
        escalateUsers: config.escalateUsers,
        escalationMs: ms(config.escalationDeadline),
        remindEveryMs: ms(config.remindEvery),
      },
    }),
  },
}));
