import { WorkflowTabs } from "../components/WorkflowTabs";
import { SchedulesSection } from "./manage/SchedulesSection";
import { RabbitMqSection } from "./manage/RabbitMqSection";
import { WebhooksSection } from "./manage/WebhooksSection";
import "./TriggersPage.css";

export default function TriggersPage({ id }: { id: string }) {
  return (
    <section className="triggers">
      <WorkflowTabs id={id} current="triggers" />
      <h1>Schedules and triggers</h1>
      <SchedulesSection id={id} />
      <WebhooksSection id={id} />
      <RabbitMqSection id={id} />
    </section>
  );
}
