// natural (NaturalNode) 8: its naive Bayes and logistic-regression text classifiers at their defaults. Only the
// classifier files are loaded: natural's main entry runs dotenv.config() on import, which reads a .env file into
// process.env and prints a banner. The files are CommonJS without an exports map, hence createRequire.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const BayesClassifier = require('natural/lib/natural/classifiers/bayes_classifier.js');
const LogisticRegressionClassifier = require('natural/lib/natural/classifiers/logistic_regression_classifier.js');
const { version } = require('natural/package.json');

// Both classifiers share natural's Classifier base: PorterStemmer.tokenizeAndStem (lower case, the aggressive
// tokenizer, natural's English stop words dropped, Porter stems), then a binary vector over every stem seen in
// training.
const FEATURES = 'PorterStemmer.tokenizeAndStem (stop words dropped), binary bag of stems';

function peer(name, Classifier, config) {
  return {
    name,
    config: `natural ${version} ${config}`,
    /** @param {readonly { text: string, label: string }[]} examples */
    train(examples) {
      const classifier = new Classifier();
      for (const { text, label } of examples) classifier.addDocument(text, label);
      classifier.train();
      return { predict: (text) => classifier.classify(text) };
    },
  };
}

export function naturalBayesPeer() {
  return peer(
    'natural-bayes',
    BayesClassifier,
    `BayesClassifier() defaults: ${FEATURES}; naive Bayes, smoothing 1`,
  );
}

/**
 * Training is one-vs-rest batch gradient descent on dense matrices (apparatus + sylvester), one class after
 * another: over half an hour on Bitext, hours on Banking77. `estimateTraining` tells the suite to time it on
 * growing subsamples first.
 */
export function naturalLogisticRegressionPeer() {
  return {
    ...peer(
      'natural-logreg',
      LogisticRegressionClassifier,
      `LogisticRegressionClassifier() defaults: ${FEATURES}; one-vs-rest logistic regression, full-batch gradient descent`,
    ),
    estimateTraining: true,
    // The suite trains it in a worker thread, built from this module and factory, so it can stop it at the budget.
    worker: { module: import.meta.url, factory: 'naturalLogisticRegressionPeer' },
  };
}
