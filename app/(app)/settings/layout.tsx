import type { ReactNode } from "react";
import { PageHeader } from "#components/ui/page-header.tsx";
import { SettingsTabs } from "#components/settings/settings-tabs.tsx";

export default function SettingsLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <PageHeader title="Settings" description="People, machine access, credentials, sign-in, network access and your account." />
      <SettingsTabs />
      <div className="mt-6">{children}</div>
    </>
  );
}
