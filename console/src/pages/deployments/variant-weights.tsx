import type { Variant } from "./deployment-types";

/** A/B variants and the share of traffic each gets (weight / sum of weights). */
export function VariantWeights({ variants }: { variants: Variant[] }) {
  const total = variants.reduce((sum, variant) => sum + variant.weight, 0) || 1;
  return (
    <table data-testid="variants">
      <caption className="visually-hidden">Variants and their traffic share</caption>
      <thead>
        <tr>
          <th scope="col">Variant</th>
          <th scope="col">Model</th>
          <th scope="col">Weight</th>
          <th scope="col">Share of traffic</th>
        </tr>
      </thead>
      <tbody>
        {variants.map((variant) => {
          const share = Math.round((variant.weight / total) * 1000) / 10;
          return (
            <tr key={variant.name}>
              <td>{variant.name}</td>
              <td className="mono">{variant.model}</td>
              <td>{variant.weight}</td>
              <td>
                <span className="share-bar" aria-hidden="true">
                  <span style={{ width: `${share}%` }} />
                </span>{" "}
                {share}%
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
