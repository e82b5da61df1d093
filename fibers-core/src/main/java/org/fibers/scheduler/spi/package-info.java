/**
 * Service-provider interface of the scheduler: the idle step ({@link org.fibers.scheduler.spi.Poller})
 * that fibers-io fills with an epoll poller. Users do not need this package.
 */
package org.fibers.scheduler.spi;
