import { fileURLToPath } from 'node:url';

/** The sample knowledge base shipped with kaiku: a fictional Finnish online shop, in Finnish and English. */
export const SAMPLE_KNOWLEDGE_DIR = fileURLToPath(new URL('../knowledge/articles', import.meta.url));
/** Labelled example messages of the sample shop's intents, Finnish and English. */
export const SAMPLE_INTENTS_FILE = fileURLToPath(new URL('../knowledge/intents.jsonl', import.meta.url));
/** The sample multi-channel conversations the demo runs. */
export const SAMPLE_CONVERSATIONS_DIR = fileURLToPath(new URL('../knowledge/conversations', import.meta.url));
