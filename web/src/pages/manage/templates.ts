import discovery from "../../../../examples/discovery.json";
import onboarding from "../../../../examples/seed-002-onboarding.json";
import webhookHttpEmail from "../../../../examples/webhook-http-email.json";
import approval from "../../../../examples/approval.json";
import nightlyReport from "../../../../examples/nightly-report.json";

/** A starting point in the gallery: the repository's example workflows (examples/*.json, which the tests validate),
 * built into the bundle. */
export interface Template {
  key: string;
  title: string;
  description: string;
  definition: Record<string, unknown>;
  /** A cron schedule created with the workflow. */
  schedule?: { cron: string; time_zone: string };
}

export const templates: Template[] = [
  {
    key: "discovery",
    title: "Discovery",
    description: "Loads a user, validates and transforms it, then approves or rejects it on a score. Its steps run on the steps service.",
    definition: discovery,
  },
  {
    key: "onboarding",
    title: "Onboarding (templates and instances)",
    description: "Checks the new user's email, sends a welcome email or logs the invalid address.",
    definition: { name: "Onboarding", ...onboarding },
  },
  {
    key: "webhook-http-email",
    title: "Webhook → HTTP → email",
    description: "Started by a webhook with an order: fetches the order from an HTTP API and emails the customer.",
    definition: webhookHttpEmail,
  },
  {
    key: "approval",
    title: "Approval with manual input",
    description: "Waits for a person to approve or reject a request through a form, then records the decision.",
    definition: approval,
  },
  {
    key: "nightly-report",
    title: "Nightly schedule",
    description: "Fetches the day's figures every night at 02:00 UTC; the schedule is created with the workflow.",
    definition: nightlyReport,
    schedule: { cron: "0 2 * * *", time_zone: "UTC" },
  },
];
