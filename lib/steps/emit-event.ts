import { z } from "zod";
import { defineStep, jsonValue } from "./types.ts";

export const emitEvent = defineStep({
  type: "emit_event",
  label: "Emit event",
  description: "Emits a typed business event, checked against its schema. Its id comes from the run and step, so a retry never emits twice.",
  icon: "radio",
  category: "action",
  config: z.strictObject({
    eventType: z.string().min(1, "Choose an event type.").max(100).meta({ title: "Event type", description: "From the registry (Events → Types).", eventType: true }),
    data: jsonValue.meta({ title: "Data", description: "Must match the type's schema, e.g. { \"orderId\": \"{{ input.orderId }}\" }." }),
    correlationId: z.string().max(200).optional().meta({ title: "Correlation id", description: "Ties related events together, e.g. {{ input.orderId }}." }),
  }),
  defaultConfig: { eventType: "OrderCompleted", data: { orderId: "{{ input.orderId }}" } },
  outputs: ["default"],
  acceptsInput: true,
  outputFields: () => ["seq", "id", "type", "version", "duplicate"],
});
