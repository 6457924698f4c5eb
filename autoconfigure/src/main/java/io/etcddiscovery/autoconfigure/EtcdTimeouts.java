/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.autoconfigure;

import java.time.Duration;

import io.etcddiscovery.etcd.Durations;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * How the timeouts of the etcd connection follow from the lease TTL when they are not
 * set, and how long they may be when they are.
 * <p>
 * jetcd renews a lease a third of its TTL after the last renewal, on a 500ms timer, and
 * restarts a failed keep-alive stream 500ms later. So when the member that carries the
 * keep-alive stream stops answering, the lease survives only if the member is left and
 * the renewal made through another one within the rest of the TTL: the member timeout
 * must not exceed two thirds of the TTL less those two timers.
 * <p>
 * A timeout that does not fit the TTL fails start-up where it is derived, with Spring
 * Boot's report of the property, its value and where it was set.
 *
 * @author etcd-discovery authors
 */
public final class EtcdTimeouts {

	/**
	 * The longest request timeout derived from the TTL.
	 */
	static final Duration MAX_DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

	/**
	 * The shortest request timeout derived from the TTL.
	 */
	static final Duration MIN_DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(2);

	// jetcd's keep-alive timer and its delay before restarting a failed stream.
	private static final Duration JETCD_TIMERS = Duration.ofSeconds(1);

	private EtcdTimeouts() {
	}

	/**
	 * Return the request timeout: {@code discovery.etcd.request-timeout}, or one derived
	 * from the TTL.
	 * @param etcd the etcd properties
	 * @param ttl the lease TTL
	 * @return the request timeout
	 * @throws InvalidConfigurationPropertyValueException if the configured timeout is
	 * longer than the TTL
	 */
	public static Duration requestTimeout(EtcdProperties etcd, Duration ttl) {
		Duration configured = etcd.getRequestTimeout();
		if (configured == null) {
			return requestTimeout(ttl);
		}
		if (configured.compareTo(ttl) > 0) {
			throw new InvalidConfigurationPropertyValueException("discovery.etcd.request-timeout",
					Durations.format(configured),
					"must not be longer than 'discovery.ttl' (" + Durations.format(ttl)
							+ "): a request waiting that long outlives the lease it is made for. Set it to at most "
							+ "'discovery.ttl', raise 'discovery.ttl', or remove it to use half the TTL (2s to 5s)");
		}
		return configured;
	}

	/**
	 * Return the member timeout: {@code discovery.etcd.member-timeout}, or one derived
	 * from the TTL.
	 * @param etcd the etcd properties
	 * @param ttl the lease TTL
	 * @return the member timeout
	 * @throws InvalidConfigurationPropertyValueException if the configured timeout leaves
	 * no time to renew the lease through another member
	 */
	static Duration memberTimeout(EtcdProperties etcd, Duration ttl) {
		Duration configured = etcd.getMemberTimeout();
		if (configured == null) {
			return memberTimeout(ttl);
		}
		Duration max = maxMemberTimeout(ttl);
		if (configured.compareTo(max) > 0) {
			throw new InvalidConfigurationPropertyValueException("discovery.etcd.member-timeout",
					Durations.format(configured),
					"too long for 'discovery.ttl' (" + Durations.format(ttl)
							+ "): the lease would expire before this application renews it through another member "
							+ "(at most " + Durations.format(max)
							+ ", two thirds of the TTL less 1s). Set it to at most " + Durations.format(max)
							+ ", raise 'discovery.ttl', or remove it to use a sixth of the TTL");
		}
		return configured;
	}

	/**
	 * Return the request timeout for a TTL: half the TTL, at least 2s (a first call in a
	 * cold JVM, TLS included, takes about a second) and at most 5s; never more than the
	 * TTL, which is 2s or more.
	 * @param ttl the lease TTL
	 * @return the request timeout
	 */
	static Duration requestTimeout(Duration ttl) {
		Duration half = Duration.ofMillis(ttl.toMillis() / 2);
		if (half.compareTo(MIN_DEFAULT_REQUEST_TIMEOUT) < 0) {
			return (ttl.compareTo(MIN_DEFAULT_REQUEST_TIMEOUT) < 0) ? ttl : MIN_DEFAULT_REQUEST_TIMEOUT;
		}
		return (half.compareTo(MAX_DEFAULT_REQUEST_TIMEOUT) < 0) ? half : MAX_DEFAULT_REQUEST_TIMEOUT;
	}

	/**
	 * Return the member timeout for a TTL: a sixth of it.
	 * @param ttl the lease TTL
	 * @return the member timeout
	 */
	static Duration memberTimeout(Duration ttl) {
		return Duration.ofMillis(ttl.toMillis() / 6);
	}

	/**
	 * Return the longest member timeout that leaves time to renew a lease through another
	 * member: two thirds of the TTL less 1s.
	 * @param ttl the lease TTL
	 * @return the longest member timeout
	 */
	static Duration maxMemberTimeout(Duration ttl) {
		return ttl.minus(ttl.dividedBy(3)).minus(JETCD_TIMERS);
	}

	/**
	 * Return how long a watch may receive nothing before the member serving it is asked
	 * for progress: a third of the TTL, the lease's renewal interval.
	 * @param ttl the lease TTL
	 * @return the interval
	 */
	static Duration idleWatchInterval(Duration ttl) {
		return Duration.ofMillis(ttl.toMillis() / 3);
	}

}
