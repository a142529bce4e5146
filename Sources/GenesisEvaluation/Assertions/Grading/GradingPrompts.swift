/// Genesis' default grading prompts for the model-graded types: Nunjucks templates with the
/// variables and verdict formats of promptfoo's (`src/prompts/grading.ts` and its RAGAS
/// prompts), worded for Genesis. A suite's `rubricPrompt` replaces them and sees the same
/// variables (and the test's). The simulated provider recognises their layout
/// (`SimulatedGrader`), so keep the bracketed labels and the closing lines.
enum GradingPrompts {
    /// Variables: input (the prompt), completion (the output), criteria. Verdict: a last line Y or N.
    static let closedQA = """
        You are checking whether a submitted answer to a task meets a criterion.
        [BEGIN DATA]
        ***
        [Task]: {{ input }}
        ***
        [Submission]: {{ completion }}
        ***
        [Criterion]: {{ criteria }}
        ***
        [END DATA]
        Does the submission meet the criterion? Reason about it step by step first, and do not state the verdict at the outset. \
        Then write the single letter Y (it meets the criterion) or N (it does not), without quotes or punctuation, on a line of its own, \
        and repeat the letter alone on the last line.
        """

    /// Variables: input, ideal (the expert's answer), completion. Verdict: a category A to E.
    static let factuality = """
        You are comparing the facts of a submitted answer with an expert's answer to the same question.
        [BEGIN DATA]
        ************
        [Question]: {{ input }}
        ************
        [Expert]: {{ ideal }}
        ************
        [Submission]: {{ completion }}
        ************
        [END DATA]
        Compare the factual content only; ignore differences of style, grammar and punctuation. Choose the one option that applies:
        (A) The submission is a subset of the expert answer and fully consistent with it.
        (B) The submission is a superset of the expert answer and fully consistent with it.
        (C) The submission contains the same details as the expert answer.
        (D) The submission and the expert answer disagree.
        (E) They differ, but the differences do not matter for factuality.
        Answer with only a JSON object: {"category": "A", "reason": "why"}, where category is one of A, B, C, D, E.
        """

    /// Variables: criteria. Verdict: `{"steps": [...]}`.
    static let gEvalSteps = """
        You write the steps for evaluating a reply against criteria.
        Criteria: {{ criteria }}
        Write three to five short evaluation steps that check the criteria. Answer with only a JSON object: {"steps": ["first step", "second step"]}.
        """

    /// Variables: criteria, steps (joined by "\n- "), maxScore, input, output. Verdict: `{"score", "reason"}`.
    static let gEvalEvaluate = """
        You score a reply against criteria, following the evaluation steps.
        Criteria: {{ criteria }}
        Evaluation steps:
        - {{ steps }}
        Source text: {{ input }}
        Reply: {{ output }}
        Score the reply from 0 to {{ maxScore }}, where {{ maxScore }} meets the criteria fully. \
        Answer with only a JSON object: {"score": 7, "reason": "why"}, the score an integer.
        """

    /// Variables: answer. Verdict: the question, as text.
    static let answerRelevance = """
        Write the question that the answer below answers. Reply with the question only.
        Answer: {{ answer }}
        Question:
        """

    /// Variables: context, groundTruth. Verdict: a line per sentence, ending [Attributed] or [Not Attributed].
    static let contextRecall = """
        Given a context and an answer, classify each sentence of the answer: can it be attributed to the context or not? \
        Reason about each sentence before you classify it. Write one numbered line per sentence of the answer, \
        ending with [Attributed] or [Not Attributed].
        context: {{ context }}
        answer: {{ groundTruth }}
        classification:
        """

    /// Variables: query, context. Verdict: the relevant sentences, a line each, or "Insufficient Information".
    static let contextRelevance = """
        Extract from the context the sentences needed to answer the query, copied exactly and one per line. \
        If none are, or the query cannot be answered from the context, reply only "Insufficient Information".
        query: {{ query }}
        context: {{ context }}
        candidate sentences:
        """

    /// Variables: question, answer. Verdict: statements, one per line.
    static let faithfulnessStatements = """
        Given a question and an answer, break each sentence of the answer into one or more standalone statements. \
        Write one statement per line and nothing else.
        question: {{ question }}
        answer: {{ answer }}
        statements:
        """

    /// Variables: context, statements (a list). Verdict: a Yes/No per statement after "Final verdict for each statement in order:".
    static let faithfulnessVerdicts = """
        Natural language inference. Consider the context and the statements below, and decide for each statement whether \
        the context supports it. Explain each briefly and give its verdict (Yes/No). End with the line \
        "Final verdict for each statement in order:" followed by the verdicts, e.g. "Yes. No. Yes.".
        context:
        {{ context }}
        statements:
        {{ statements | join("\\n") }}
        Answer:
        """

    /// Variables: criteria, outputs (a list). Verdict: the index of the best text.
    static let selectBest = """
        You compare several texts to find the one that best fits this criterion: {{ criteria }}

        {% for output in outputs %}
        <Text index="{{ loop.index0 }}">
        {{ output }}
        </Text>
        {% endfor %}

        Reply with the index of the text that fits best: a single integer.
        """
}
