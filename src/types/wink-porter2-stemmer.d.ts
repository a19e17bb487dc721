/** wink-porter2-stemmer ships no typings: one function, a lower-case word to its Porter2 stem. */
declare module 'wink-porter2-stemmer' {
  const stem: (word: string) => string;
  export default stem;
}
