/**
 * Issue 27's report: {@link org.fibers.benchmarks.report.Results} is the one JSON schema that
 * every comparison writes when asked to (system property {@code fibers.report.json}).
 */
package org.fibers.benchmarks.report;
