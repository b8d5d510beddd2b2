"use client";
import { useQuery } from "@tanstack/react-query";
import { api } from "#lib/client/api.ts";
import { AdminOnly } from "./admin-only.tsx";

interface Policy {
  alwaysRefused: string[];
  alwaysAllowed: string[];
  refusedUnlessAllowed: string[];
  allow: string[];
}

export function NetworkSettings() {
  return (
    <AdminOnly what="network access">
      <PolicyView />
    </AdminOnly>
  );
}

function Rules({ title, tone, items }: { title: string; tone: string; items: string[] }) {
  return (
    <div className="rounded-lg border border-zinc-200 bg-white p-4">
      <h3 className={`text-xs font-semibold tracking-wide uppercase ${tone}`}>{title}</h3>
      <ul className="mt-2 space-y-1 text-sm text-zinc-700">
        {items.length ? items.map((item) => <li key={item}>{item}</li>) : <li className="text-zinc-500">nothing</li>}
      </ul>
    </div>
  );
}

function PolicyView() {
  const policy = useQuery({ queryKey: ["egress-policy"], queryFn: () => api<Policy>("/egress-policy") });
  const p = policy.data;
  return (
    <section aria-labelledby="network-heading" className="max-w-4xl">
      <h2 id="network-heading" className="text-sm font-semibold text-zinc-900">Where workflows may connect</h2>
      <p className="mb-4 text-sm text-zinc-600">
        HTTP steps and result callbacks connect only where this policy allows, checked on the address a name resolves to and on every
        redirect. A refused call fails its step at once, naming the rule. The policy is set by the environment, read-only here.
      </p>
      {p ? (
        <div className="grid gap-3 md:grid-cols-2">
          <Rules title="Always refused" tone="text-red-700" items={p.alwaysRefused} />
          <Rules title="Always allowed" tone="text-emerald-700" items={p.alwaysAllowed} />
          <Rules title="Refused unless allowed below" tone="text-amber-800" items={p.refusedUnlessAllowed} />
          <div className="rounded-lg border border-zinc-200 bg-white p-4" data-testid="egress-allow">
            <h3 className="text-xs font-semibold tracking-wide text-indigo-700 uppercase">Allowed by BATON_EGRESS_ALLOW</h3>
            <p className="mt-2 font-mono text-sm text-zinc-800">{p.allow.length ? p.allow.join(", ") : "(nothing private)"}</p>
            <p className="mt-2 text-xs text-zinc-500">
              Comma-separated CIDRs, addresses, host names (*.corp.example), <code>loopback</code>, <code>private</code> or <code>none</code>.
              <code> npm start</code> on the embedded database allows <code>loopback</code> unless you set it. Public addresses are always allowed.
            </p>
          </div>
        </div>
      ) : null}
    </section>
  );
}
