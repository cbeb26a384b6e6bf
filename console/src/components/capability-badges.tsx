import { capabilityLabels, capabilityNames, type CatalogModel } from "../pages/models/catalog";

/** The capabilities a model has, as badges; "unknown" when the gateway has no card for it. */
export function CapabilityBadges({ model }: { model: CatalogModel }) {
  if (!model.capabilities) return <span className="muted">unknown</span>;
  const present = capabilityNames.filter((name) => model.capabilities?.[name]);
  if (present.length === 0) return <span className="muted">text only</span>;
  return (
    <ul className="badges" aria-label="Capabilities">
      {present.map((name) => (
        <li key={name} className={`badge badge-${name}`}>
          {capabilityLabels[name]}
        </li>
      ))}
    </ul>
  );
}
