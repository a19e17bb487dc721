/** Words that carry no topic: dropped from documents and queries alike. */
export const STOP_WORDS = new Set(
  `a about above after again against all am an and any are as at be because been before being below between both but by
  can could did do does doing down during each few for from further had has have having he her here hers herself him
  himself his how i if in into is it its itself just me more most my myself no nor not now of off on once only or other
  our ours ourselves out over own same she should so some such than that the their theirs them themselves then there
  these they this those through to too under until up very was we were what when where which while who whom why will
  with would you your yours yourself yourselves also via us may might must shall within without`
    .split(/\s+/)
    .filter(Boolean),
);

/**
 * Words people put in questions to a paper search that say nothing about the topic
 * ("papers on ...", "is there work about ..."). Dropped from queries only.
 */
export const QUERY_STOP_WORDS = new Set(
  `paper papers work works study studies article articles research find show looking look anything something
  using use used approach approaches method methods`
    .split(/\s+/)
    .filter(Boolean),
);
