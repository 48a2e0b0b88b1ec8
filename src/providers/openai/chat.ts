import type { z } from 'zod';
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
} from 'openai/resources/chat/completions';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { InvalidInputError, ModelOutputError, throwIfAborted } from '../../core/errors.js';
import type { ChatModel, ChatRequest, ChatResponse, ChatTurn } from '../../core/ports.js';
import type { ProviderContext } from './context.js';
import { openAIFailureClassifier } from './errors.js';
import { callWithRetry } from './retry.js';
import { checkSchemaName, strictJsonSchema } from './structured.js';

/** The request field that caps the answer's length. */
export type MaxTokensField = 'max_completion_tokens' | 'max_tokens';

/** Settings of one chat model served by an OpenAI-compatible provider. */
export interface OpenAIChatOptions {
  /**
   * Sampling temperature (0 to 2); lower is more deterministic.
   * @default the server's default (1 for OpenAI)
   */
  temperature?: number;
  /**
   * Which request field carries `maxOutputTokens`. OpenAI deprecated `max_tokens` (reasoning models reject it),
   * while many compatible servers (Ollama, LM Studio, older vLLM) only read `max_tokens`.
   * @default "max_completion_tokens" for api.openai.com and Azure OpenAI (`*.openai.azure.com`), "max_tokens" for
   *   any other `baseURL`
   */
  maxTokensField?: MaxTokensField;
}

/** @internal Builds a {@link ChatModel} on top of a provider's shared client, queue and retry policy. */
export function createOpenAIChatModel(
  context: ProviderContext,
  model: string,
  options: Required<Pick<OpenAIChatOptions, 'maxTokensField'>> & Pick<OpenAIChatOptions, 'temperature'>,
): ChatModel {
  return {
    id: `openai/${model}`,
    async generate<T extends z.ZodType>(request: ChatRequest<T>): Promise<ChatResponse<z.output<T>>> {
      const { signal, schema } = request;
      throwIfAborted(signal);
      if (request.messages.length === 0) {
        throw new InvalidInputError(
          'A chat request needs at least one message; received none.',
          [{ path: ['messages'], message: 'Expected at least one message.' }],
          { hint: 'Pass { messages: [{ role: "user", content: "…" }] }.' },
        );
      }
      const schemaName = checkSchemaName(request.schemaName ?? 'output');
      const body: ChatCompletionCreateParamsNonStreaming = {
        model,
        messages: request.messages.map(toMessageParam),
      };
      if (request.maxOutputTokens !== undefined) body[options.maxTokensField] = request.maxOutputTokens;
      if (options.temperature !== undefined) body.temperature = options.temperature;
      if (schema) {
        body.response_format = {
          type: 'json_schema',
          json_schema: { name: schemaName, strict: true, schema: await strictJsonSchema(schema, schemaName) },
        };
      }

      const { sdk, client } = await context.client();
      const completion: ChatCompletion = await callWithRetry(
        (attemptSignal) => client.chat.completions.create(body, { signal: attemptSignal }),
        {
          queue: context.queue,
          policy: context.policy,
          signal,
          random: context.random,
          classify: openAIFailureClassifier(sdk, {
            operation: 'chat completion',
            model,
            host: context.host,
            timeoutMs: context.policy.timeoutMs,
            secrets: [context.apiKey, ...request.messages.map((turn) => turn.content)],
          }),
        },
      );

      const choice = completion.choices[0];
      const text = choice?.message.content ?? '';
      const response: ChatResponse<z.output<T>> = { text };
      if (completion.usage) {
        response.usage = {
          inputTokens: completion.usage.prompt_tokens,
          outputTokens: completion.usage.completion_tokens,
        };
      }
      if (!schema) return response;

      const refusal = choice?.message.refusal;
      if (refusal) {
        throw new ModelOutputError(`Model "${model}" refused to answer with "${schemaName}".`, refusal, {
          hint: 'Rephrase the instructions, or handle the refusal (error.rawText holds it).',
        });
      }
      if (choice?.finish_reason === 'length') {
        throw new ModelOutputError(
          `Model "${model}" stopped at the token limit before finishing "${schemaName}".`,
          text,
          { hint: 'Raise { maxOutputTokens }, or ask for a shorter answer.' },
        );
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new ModelOutputError(`Model "${model}" did not answer "${schemaName}" with JSON.`, text, {
          cause: error,
          hint: 'Check that the server supports response_format json_schema (error.rawText holds the answer).',
        });
      }
      const parsed = schema.safeParse(json);
      if (!parsed.success) {
        const issues = parsed.error.issues
          .slice(0, 3)
          .map((issue) => `"${issue.path.map(String).join('.') || '(root)'}": ${issue.message}`)
          .join('; ');
        throw new ModelOutputError(
          `Model "${model}" answered JSON that does not match "${schemaName}": ${issues}.`,
          text,
          {
            cause: parsed.error,
            hint: 'Constraints JSON Schema cannot express are checked only afterwards; tighten the instructions or the schema.',
          },
        );
      }
      response.parsed = parsed.data;
      return response;
    },
  };
}

function toMessageParam(turn: ChatTurn): ChatCompletionMessageParam {
  switch (turn.role) {
    case 'system':
      return { role: 'system', content: turn.content };
    case 'assistant':
      return { role: 'assistant', content: turn.content };
    case 'user':
      return { role: 'user', content: turn.content };
  }
}
