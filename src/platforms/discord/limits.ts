/** Discord's message limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const LIMITS = {
  content: 2000,
  embeds: 10,
  embedTotal: 6000,
  title: 256,
  description: 4096,
  footer: 2048,
  url: 2048,
  rows: 5,
  buttonsPerRow: 5,
  buttonLabel: 80,
  choices: 25,
  choiceName: 100,
} as const;
