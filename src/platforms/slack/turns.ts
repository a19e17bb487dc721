/**
 * Work after ack() waits its turn here: one turn per event-loop iteration, first come first
 * served. Between turns Node polls the sockets, so commands still arriving are parsed and acked
 * while earlier searches run, and a burst keeps every ack well inside Slack's 3 seconds.
 */
export function createTurns(): () => Promise<void> {
  const waiting: (() => void)[] = [];
  let pumping = false;
  const pump = () => {
    const next = waiting.shift();
    if (!next) {
      pumping = false;
      return;
    }
    next();
    // Scheduled from the check phase, so it runs in the next iteration, after the next poll.
    setImmediate(pump);
  };
  return () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (!pumping) {
        pumping = true;
        setImmediate(pump);
      }
    });
}
