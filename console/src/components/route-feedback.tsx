import { useState } from "react";
import { rateAnswer, type StreamStats } from "../api";
import { ThumbIcon } from "./thumb-icon";

type Rating = { state: "idle" | "sending" | "rated"; score?: number; error?: string };

/**
 * What a `type: auto` model decided for one answer, and thumbs to rate it: ratings of sampled
 * requests become the router's retraining data (`switchyard router export`).
 */
export function RouteFeedback({ stats }: { stats: StreamStats }) {
  const [rating, setRating] = useState<Rating>({ state: "idle" });
  const { route, requestId } = stats;
  if (!route) return null;

  const rate = (score: number) => {
    if (!requestId) return;
    setRating({ state: "sending" });
    rateAnswer(requestId, score).then(
      () => setRating({ state: "rated", score }),
      (error: unknown) => setRating({ state: "idle", error: error instanceof Error ? error.message : String(error) }),
    );
  };

  return (
    <>
      <p className="muted route" data-testid="route-decision">
        routed to <strong className={`tier tier-${route.tier}`}>{route.tier}</strong> · score {route.score.toFixed(2)} (threshold {route.threshold.toFixed(2)})
      </p>
      {requestId && (
        <div className="rate">
          {rating.state === "rated" ? (
            <span className="ok">Rated {rating.score === 1 ? "good" : "bad"}</span>
          ) : (
            <>
              <span className="muted">Rate:</span>
              <button aria-label="Good answer" title="Good answer" disabled={rating.state === "sending"} onClick={() => rate(1)}>
                <ThumbIcon />
              </button>
              <button aria-label="Bad answer" title="Bad answer" disabled={rating.state === "sending"} onClick={() => rate(0)}>
                <ThumbIcon down />
              </button>
            </>
          )}
          {rating.error && <span className="error">{rating.error}</span>}
        </div>
      )}
    </>
  );
}
