import { Document } from '@langchain/core/documents';
import { Embeddings } from '@langchain/core/embeddings';

// langchain@1 moved MemoryVectorStore out of `langchain` into @langchain/classic. When that package is
// installed it is used; otherwise the same linear cosine store that @langchain/core@1 ships as FakeVectorStore
// (@langchain/core/utils/testing: the MemoryVectorStore code under another name), and the report says which.
async function loadMemoryStore() {
  try {
    const { MemoryVectorStore } = await import('@langchain/classic/vectorstores/memory');
    return { Store: MemoryVectorStore, label: '@langchain/classic MemoryVectorStore' };
  } catch {
    const { FakeVectorStore } = await import('@langchain/core/utils/testing');
    return {
      Store: FakeVectorStore,
      label: '@langchain/core FakeVectorStore (= MemoryVectorStore; @langchain/classic not installed)',
    };
  }
}

/** A kaiku `Embedder` seen as LangChain `Embeddings`: split into the embedder's batch size, vectors as number[]. */
class KaikuEmbeddings extends Embeddings {
  constructor(embedder) {
    super({});
    this.embedder = embedder;
  }

  async embedDocuments(texts) {
    const out = [];
    for (let start = 0; start < texts.length; start += this.embedder.maxBatchSize) {
      const { vectors } = await this.embedder.embed(texts.slice(start, start + this.embedder.maxBatchSize));
      for (const vector of vectors) out.push(Array.from(vector));
    }
    return out;
  }

  async embedQuery(text) {
    return (await this.embedDocuments([text]))[0];
  }
}

/** LangChain's in-memory vector store (exact cosine scan) with the same embedder as kaiku. */
export async function langchainPeer() {
  const { Store, label } = await loadMemoryStore();
  return {
    name: 'langchain-memory',
    config: `${label}, cosine, kaiku's embedder; text = title + text`,
    async build(docs, { embedder }) {
      const store = new Store(new KaikuEmbeddings(embedder));
      await store.addDocuments(
        docs.map(
          (doc) => new Document({ pageContent: `${doc.title}\n${doc.text}`, metadata: { id: doc.id } }),
        ),
      );
      return {
        async search(query, k) {
          const found = await store.similaritySearch(query, k);
          return found.map((document) => document.metadata.id);
        },
      };
    },
  };
}
