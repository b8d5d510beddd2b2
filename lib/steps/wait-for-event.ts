import { z } from "zod";
import { duration } from "../duration.ts";
import { EVENT_PATH } from "../events/schemas.ts";
import { defineStep, jsonValue } from "./types.ts";

export const waitForEvent = defineStep({
  type: "wait_for_event",
  label: "Wait for event",
  description: "Waits, holding no worker, until an event of a type arrives whose field matches a value from this run; the timeout port when none comes in time.",
  icon: "bell",
  category: "flow",
  config: z.strictObject({
    eventType: z.string().min(1, "Choose an event type.").max(100).meta({ title: "Event type", description: "From the registry (Events → Types).", eventType: true }),
    path: z.string().regex(EVENT_PATH, "A path in the event: data.orderId, correlationId or id.").meta({ title: "Match the event's", description: "e.g. data.orderId, or correlationId." }),
    value: jsonValue.meta({ title: "With this run's", description: "A {{ template }}, e.g. {{ input.orderId }}: the event's field must equal it." }),
    timeout: duration.optional().meta({ title: "Timeout", description: "e.g. 2d. None: it waits until the event comes or the run is cancelled." }),
    lookBack: duration.optional().meta({ title: "Look back", description: "An event that arrived this long before the step started waiting matches too, e.g. 10m." }),
  }),
  defaultConfig: { eventType: "OrderCompleted", path: "data.orderId", value: "{{ input.orderId }}", timeout: "1d" },
  outputs: ["default", "timeout"],
  acceptsInput: true,
  waits: ["event"],
  outputFields: () => ["event", "timedOut", "waitingFor"],
});
