/**
 * The Nest token of the process's Assistant. Services get it one way, like the other ports
 * (ADR 0014): a definition that says `usesAi` is handed `ports.ai` under this token.
 */
export const AI_ASSISTANT = Symbol('AiAssistant');
