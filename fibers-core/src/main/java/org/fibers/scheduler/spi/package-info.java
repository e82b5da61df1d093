/**
 * Service-provider interface of the scheduler: the idle step ({@link org.fibers.scheduler.spi.Poller})
 * that fibers-io fills with an epoll poller, found through {@link java.util.ServiceLoader} via
 * {@link org.fibers.scheduler.spi.PollerProvider}. For implementers of pollers; applications do
 * not need this package.
 */
package org.fibers.scheduler.spi;
