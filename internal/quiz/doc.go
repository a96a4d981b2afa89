// Package quiz is the operational readiness quiz: the statements the
// consultant writes in content/quiz.toml, the validation of a visitor's
// answers, their score, and the chart of the result.
//
// The package does no I/O: Parse takes the file's bytes, and everything
// else works on the values it returns. The builder parses the file once
// (and calls CheckLinks with its set of pages); the form handler calls
// Validate and Score for each submission and stores the Result.
//
// # The file
//
// content/quiz.toml is TOML. Unknown keys are errors, so that a misspelt
// key is reported rather than ignored. Markdown fields are rendered with
// the site's markdown dialect (package markdown) when the file is parsed.
//
//	title    required. The quiz's heading.
//	intro    optional markdown: what the quiz is and how to answer.
//	scale    required: the answer labels of a frequency scale, least to
//	         most frequent, exactly five of them:
//	         ["Never", "Rarely", "Sometimes", "Often", "Always"].
//	         The first label is worth 0, the last 4.
//
//	[[dimensions]]   an area the quiz scores, in the order shown:
//	  id       required, stable: lower-case letters, digits and hyphens.
//	  name     required: the area's name on the results page.
//	  advice   required markdown: what to do when the area is among the
//	           two that score highest.
//
//	[[questions]]    a statement, in the order asked:
//	  id         required, stable, unique: the form field name and the key
//	             stored with each answer (lower-case letters, digits and
//	             hyphens). Keep it when rewording a statement.
//	  dimension  required: the id of the area the statement belongs to.
//	  text       required: a statement about the company in the first
//	             person, such as "Strategic initiatives stall before
//	             completion." Plain text.
//
//	[[bands]]        a result band of the overall score:
//	  id        required, unique: lower-case letters, digits and hyphens.
//	  min, max  inclusive whole percentages; together the bands cover
//	            0 to 100 with no gap and no overlap.
//	  headline  required: the result's headline.
//	  advice    required markdown.
//	  articles  optional list of site paths for further reading, such as
//	            "/articles/what-is-a-fractional-coo/"; each must be a page
//	            of the site (see CheckLinks), as must the site paths that
//	            markdown fields link to.
//
// Every statement describes a symptom, so a higher answer means a bigger
// gap between strategy and execution, and every dimension needs at least
// one statement.
//
// # Scores
//
// A dimension's score is the sum of its answers over the most it could be
// (4 per statement), as a whole percentage rounded half up. The overall
// score is the same over all statements, so each statement weighs the
// same whatever its dimension. The band is the one whose range holds the
// overall score, and the weakest dimensions are the two with the highest
// scores, ties going to the one listed first in the file.
//
// # Errors
//
// Parse and CheckLinks report every problem they find at once, as a
// content.ErrorList of *content.Error values naming the file and line
// ("content/quiz.toml:42: ..."). Validate reports problems with a
// visitor's answers as FieldError values whose messages can be shown to
// the visitor next to the statement.
package quiz
