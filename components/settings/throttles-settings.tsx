"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "#lib/client/api.ts";
import { fullTime, timeAgo } from "#lib/client/format.ts";
import type { ThrottleKind } from "#lib/auth/throttle.ts";
import { Button } from "../ui/button.tsx";
import { Badge } from "../ui/badge.tsx";
import { Table, Td, Th } from "../ui/table.tsx";
import { EmptyState } from "../ui/empty-state.tsx";
import { AdminOnly } from "./admin-only.tsx";

interface Throttle {
  key: string;
  kind: ThrottleKind;
  email: string | null;
  address: string | null;
  failures: number;
  lastFailureAt: string;
  blockedUntil: string | null;
}

interface Rule {
  free: number;
  maxSeconds: number;
}

const kindLabel: Record<ThrottleKind, string> = {
  "account-address": "Account, from one address",
  address: "Address, any account",
  account: "Account, from anywhere",
};

export function ThrottlesSettings() {
  return (
    <AdminOnly what="sign-in throttles">
      <ThrottlesTable />
    </AdminOnly>
  );
}

function ThrottlesTable() {
  const queryClient = useQueryClient();
  const throttles = useQuery({
    queryKey: ["login-throttles"],
    queryFn: () => api<{ throttles: Throttle[]; rules: Record<ThrottleKind, Rule> }>("/login-throttles"),
    refetchInterval: 5_000,
  });
  const clear = useMutation({
    mutationFn: (key: string) => api(`/login-throttles/${encodeURIComponent(key)}`, { method: "DELETE" }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ["login-throttles"] }),
  });
  const rules = throttles.data?.rules;

  return (
    <section aria-labelledby="throttles-heading">
      <h2 id="throttles-heading" className="text-sm font-semibold text-zinc-900">Failed sign-ins</h2>
      <p className="mb-4 max-w-3xl text-sm text-zinc-600">
        Each failed sign-in counts for the account from that address, for the address, and for the account from anywhere. Past the free
        failures, each further one doubles the wait before the next attempt is checked; no account is ever locked. Counts start again after an
        hour without failures. Clearing a count lets its next attempt through at once.
        {rules ? (
          <span className="mt-1 block text-xs text-zinc-500">
            Free failures: {rules["account-address"].free} per account from one address, {rules.address.free} per address, {rules.account.free} per
            account; longest waits {rules["account-address"].maxSeconds / 60} min, {rules.address.maxSeconds / 60} min and {rules.account.maxSeconds} s.
          </span>
        ) : null}
      </p>
      {throttles.data?.throttles.length === 0 ? (
        <EmptyState title="No failed sign-ins in the last hour">Nobody is being slowed down.</EmptyState>
      ) : (
        <Table label="Failed sign-ins">
          <thead>
            <tr>
              <Th>Counts</Th>
              <Th>Account</Th>
              <Th>Address</Th>
              <Th>Failures</Th>
              <Th>Last failure</Th>
              <Th>State</Th>
              <Th className="text-right">Actions</Th>
            </tr>
          </thead>
          <tbody className="divide-y divide-zinc-100">
            {throttles.data?.throttles.map((t) => (
              <tr key={t.key} data-testid={`throttle-${t.key}`}>
                <Td label="Counts">{kindLabel[t.kind]}</Td>
                <Td label="Account" className="font-medium text-zinc-900">{t.email ?? "any"}</Td>
                <Td label="Address" className="font-mono text-xs">{t.address ?? "any"}</Td>
                <Td label="Failures">{t.failures}</Td>
                <Td label="Last failure" title={fullTime(t.lastFailureAt)}>{timeAgo(t.lastFailureAt)}</Td>
                <Td label="State">
                  {t.blockedUntil ? (
                    <Badge tone="warning">waits until {new Date(t.blockedUntil).toLocaleTimeString()}</Badge>
                  ) : (
                    <Badge>counting</Badge>
                  )}
                </Td>
                <Td className="text-right">
                  <Button variant="secondary" size="sm" disabled={clear.isPending} onClick={() => clear.mutate(t.key)}>
                    Clear
                  </Button>
                </Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </section>
  );
}
