/**
 * kaiku: triage and answer customer-service messages offline, in Finnish and English.
 * @packageDocumentation
 */
export { SAMPLE_CONVERSATIONS_DIR, SAMPLE_INTENTS_FILE, SAMPLE_KNOWLEDGE_DIR } from './sample.js';
export {
  createEngine,
  MessageTriageSchema,
  parseJsonl,
  TriageInputSchema,
  type Clock,
  type Engine,
  type EngineOptions,
  type QueueLoad,
  type HandleOptions,
  type MessageTriage,
  type TriageInput,
} from './engine.js';
export {
  createServer,
  type KaikuServer,
  type ServerLimits,
  type ServerOptions,
  type ServerTenant,
} from './server/server.js';
export { loadServePlan, ServeConfigSchema, type ServeConfig, type ServePlan } from './server/config.js';
export { openApiDocument } from './server/openapi.js';
export {
  AnswerRequestSchema,
  ArticleRequestSchema,
  ConversationRecordSchema,
  ErrorSchema,
  HandoffRequestSchema,
  KnowledgeResultSchema,
  MentionsRequestSchema,
  MentionsResultSchema,
  ServiceMetricsSchema,
  SpikeAlertSchema,
} from './server/schemas.js';

export {
  KaikuError,
  InvalidInputError,
  ConfigurationError,
  ProviderError,
  ModelOutputError,
  type KaikuErrorCode,
  type KaikuErrorOptions,
  type InputIssue,
} from './core/errors.js';

export {
  MAX_TEXT_CHARS,
  AnswerSchema,
  AuthorSchema,
  ChannelSchema,
  CitationSchema,
  ComplaintLabelSchema,
  ComplaintResultSchema,
  ConversationSchema,
  ConversationStatusSchema,
  CustomerIdentitySchema,
  CustomerSchema,
  HandoffActionSchema,
  HandoffDecisionSchema,
  HandoffPacketSchema,
  IdentitySchema,
  IntentResultSchema,
  KeyFactSchema,
  LanguageResultSchema,
  LanguageSchema,
  MessageInputSchema,
  MessageSchema,
  PrioritySchema,
  ReasonSchema,
  RouteSchema,
  SentimentLabelSchema,
  SentimentResultSchema,
  TimelineEntrySchema,
  TriageResultSchema,
  UrgencyLevelSchema,
  UrgencyResultSchema,
  type Answer,
  type Author,
  type Channel,
  type Citation,
  type ComplaintLabel,
  type ComplaintResult,
  type Conversation,
  type ConversationStatus,
  type Customer,
  type CustomerIdentity,
  type HandoffAction,
  type HandoffDecision,
  type HandoffPacket,
  type Identity,
  type IntentResult,
  type KeyFact,
  type Language,
  type LanguageResult,
  type Message,
  type MessageInput,
  type Priority,
  type Reason,
  type Route,
  type SentimentLabel,
  type SentimentResult,
  type TimelineEntry,
  type TriageResult,
  type UrgencyLevel,
  type UrgencyResult,
} from './core/schemas.js';

export type {
  CallOptions,
  ChatModel,
  ChatRequest,
  ChatResponse,
  ChatTurn,
  ConversationEvent,
  ConversationRecord,
  ConversationStore,
  Embedder,
  IncomingMessage,
  RecordResult,
  RetrievalHit,
  Retriever,
  VectorIndex,
  VectorRecord,
} from './core/ports.js';

export { analyze, fold, isStopWord, normalizeText, stem, tokenize } from './core/text.js';
export { loadLanguageDetector, type LanguageDetector } from './core/language.js';
export { identitiesOf, normalizeEmail, normalizeHandle, normalizePhone } from './core/identity.js';

export {
  loadIntentModel,
  trainIntentModel,
  IntentExampleSchema,
  SavedIntentModelSchema,
  UNKNOWN_INTENT,
  type IntentExample,
  type IntentModel,
  type SavedIntentModel,
  type TrainIntentOptions,
} from './classify/intent.js';
export {
  compileConcepts,
  ConceptLexiconSchema,
  CUSTOMER_SERVICE_CONCEPTS,
  type ConceptLexicon,
  type ConceptMatcher,
} from './classify/concepts.js';
export {
  createIntentEnsemble,
  createKnnIntentClassifier,
  createLlmIntentClassifier,
  type ClassifyOptions,
  type EnsembleMember,
  type IntentClassifier,
  type KnnIntentOptions,
  type LlmIntentOptions,
} from './classify/providers.js';
export {
  DEFAULT_ROUTING,
  parseRoutingConfig,
  routeMessage,
  RouteConditionSchema,
  RouteTargetSchema,
  RoutingConfigSchema,
  RoutingRuleSchema,
  type RouteInput,
  type RoutingConfig,
  type RoutingConfigInput,
  type RoutingRule,
} from './classify/route.js';

export { scoreSentiment, type SentimentOptions } from './sentiment/sentiment.js';
export {
  loadSentimentModel,
  SavedSentimentModelSchema,
  SentimentExampleSchema,
  trainSentimentModel,
  type SavedSentimentModel,
  type SentimentExample,
  type SentimentModel,
  type SentimentScorer,
  type TrainSentimentOptions,
} from './sentiment/model.js';
export {
  ComplaintExampleSchema,
  detectComplaint,
  loadComplaintModel,
  SavedComplaintModelSchema,
  trainComplaintModel,
  type ComplaintContext,
  type ComplaintExample,
  type ComplaintModel,
  type SavedComplaintModel,
} from './sentiment/complaint.js';
export {
  createListener,
  LISTENING_TOPICS,
  MentionSchema,
  poissonTail,
  type Listener,
  type ListenerEvents,
  type ListenerOptions,
  type Mention,
  type ScoredMention,
  type SpikeAlert,
} from './sentiment/listener.js';
export { LlmSummarySchema, summarizeWithModel, type LlmSummary } from './handoff/llm-summary.js';
export {
  computeServiceMetrics,
  SurveyAnswerSchema,
  type DurationStats,
  type ServiceMetrics,
  type SurveyAnswer,
} from './handoff/metrics.js';
export {
  luhn,
  redactPii,
  validBusinessId,
  validIban,
  validIdentityCode,
  withPiiRedaction,
  withPiiRedactionEmbedder,
  type PiiKind,
  type PiiMatch,
  type Redaction,
} from './pii/redact.js';
export {
  abstentionCorrect,
  aggregate,
  bootstrapDelta,
  citationPrecision,
  percentileInterval,
  resample,
  factRecall,
  groundedness,
  rougeL,
  tokenF1,
  type Aggregate,
  type BootstrapDelta,
  type Groundedness,
} from './evals/scorers.js';
export {
  CaseFormatSchema,
  EvalCaseSchema,
  EvalExpectationSchema,
  EvalTurnSchema,
  LlmConfigSchema,
  loadEngineConfig,
  loadSuite,
  SuiteEngineSchema,
  SuiteSchema,
  withEngine,
  type CaseFormat,
  type EvalCase,
  type EvalCaseInput,
  type EvalExpectation,
  type EvalSuite,
  type EvalTurn,
  type LlmConfig,
  type SuiteConfig,
  type SuiteEngine,
} from './evals/suite.js';
export {
  chatModelFrom,
  engineOptionsFrom,
  runEvalSuite,
  type EvalReport,
  type EvalRunOptions,
  type RunSpread,
} from './evals/run.js';
export {
  failedCaseScores,
  isAnswerable,
  scoreCase,
  type CasePrediction,
  type CaseResult,
  type CaseScores,
  type JudgeScores,
  type TokenUsage,
} from './evals/case-scores.js';
export {
  headline,
  HEADLINE_METRICS,
  summarizeCases,
  type EvalMetrics,
  type HeadlineMetric,
  type Rate,
  type ReliabilityBin,
  type SummaryOptions,
} from './evals/summary.js';
export {
  createLlmJudge,
  judgeMessages,
  JudgeVerdictSchema,
  type JudgeInput,
  type JudgeVerdict,
  type LlmJudge,
} from './evals/judge.js';
export {
  compareReports,
  type CompareOptions,
  type ComparisonReport,
  type MetricComparison,
} from './evals/compare.js';
export {
  metricLabel,
  renderHtml,
  renderMarkdown,
  writeReports,
  type WrittenReports,
} from './evals/report.js';
export {
  evaluateHandoff,
  HandoffRecordSchema,
  type HandoffEvalReport,
  type HandoffRecord,
} from './evals/handoff.js';
export {
  ComplaintRecordSchema,
  evaluateComplaints,
  evaluateSentiment,
  SentimentRecordSchema,
  type ComplaintEvalReport,
  type ComplaintRecord,
  type SentimentEvalOptions,
  type SentimentEvalReport,
  type SentimentRecord,
} from './evals/sentiment.js';
export { scoreUrgency, type UrgencyContext, type UrgencySignal } from './sentiment/urgency.js';

export {
  ArticleMetaSchema,
  chunkArticle,
  loadArticles,
  parseArticle,
  plainText,
  packSentences,
  type LoadArticlesOptions,
  type Article,
  type ArticleMeta,
  type Chunk,
} from './retrieve/knowledge.js';
export {
  createLocalEmbedder,
  loadLocalEmbedder,
  type EmbedField,
  type LocalEmbedder,
  type LocalEmbedderOptions,
  type SavedLocalEmbedder,
} from './retrieve/local-embedder.js';

export {
  DEFAULT_HANDOFF_POLICY,
  decideHandoff,
  detectHumanRequest,
  type HandoffPolicy,
  type HandoffSignals,
} from './handoff/policy.js';
export {
  acknowledge,
  buildHandoffPacket,
  recapConversation,
  estimateReplyTime,
  extractKeyFacts,
  referenceFor,
  type PacketInput,
} from './handoff/packet.js';

export { createMemoryStore, type MemoryStoreOptions } from './store/memory.js';
export { createSqliteStore, type SqliteStoreOptions } from './store/sqlite.js';

export {
  collapseRanking,
  percentile,
  scoreRetrieval,
  type RankedResult,
  type RetrievalScores,
} from './evals/retrieval-metrics.js';

export {
  createKnowledgeIndex,
  loadKnowledgeIndex,
  DEFAULT_ANSWER_CALIBRATION,
  calibratedConfidence,
  fitAnswerCalibration,
  type AnswerCalibration,
  type AnswerSignals,
  type CalibrationQuestion,
  type KnowledgeIndex,
  type KnowledgeIndexOptions,
  type SearchHit,
  type SearchOptions,
  type UpsertReport,
} from './retrieve/knowledge-index.js';
export { createBm25fIndex, type Bm25fIndex, type Bm25fOptions, type Bm25fResult } from './retrieve/bm25f.js';
export {
  createMemoryVectorIndex,
  loadMemoryVectorIndex,
  type MemoryVectorIndex,
} from './retrieve/memory-vector-index.js';
export {
  evaluateRetrieval,
  EvalDocumentSchema,
  EvalQuerySchema,
  type EvalDocument,
  type EvalQuery,
  type RetrievalEvalReport,
} from './evals/retrieval.js';
export {
  coverageAt,
  evaluateIntents,
  expectedCalibrationError,
  LabelledMessageSchema,
  type IntentEvalOptions,
  type IntentEvalReport,
  type LabelledMessage,
  type LabelScores,
  type ScoredPrediction,
} from './evals/intents.js';
export { splitSentences } from './core/text.js';

// --- Providers: OpenAI and OpenAI-compatible servers, LangChain interop (src/providers) ---------------------
export {
  createOpenAIProvider,
  type MaxTokensField,
  type OpenAIChatOptions,
  type OpenAIEmbedderOptions,
  type OpenAIProvider,
  type OpenAIProviderOptions,
} from './providers/openai/index.js';
export {
  createLangChainRetriever,
  fromLangChainChatModel,
  fromLangChainEmbeddings,
  type FromLangChainChatModelOptions,
  type FromLangChainEmbeddingsOptions,
  type KaikuDocumentMetadata,
  type LangChainChatModelLike,
  type LangChainEmbeddingsLike,
  type LangChainMessageLike,
  type LangChainRetrieverOptions,
} from './providers/langchain/index.js';
export {
  answerWithModel,
  checkGrounding,
  LlmAnswerSchema,
  type GroundingVerdict,
  type LlmAnswer,
  type LlmAnswerOptions,
} from './retrieve/llm-answer.js';
