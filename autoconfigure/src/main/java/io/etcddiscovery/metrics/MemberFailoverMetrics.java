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

package io.etcddiscovery.metrics;

import io.etcddiscovery.etcd.MemberFailover;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.util.Assert;

/**
 * Micrometer metrics of the etcd client's failover: {@code discovery.etcd.failovers}, how
 * many times a member was found unresponsive and the client's calls were moved off it.
 *
 * @author etcd-discovery authors
 */
public class MemberFailoverMetrics implements MeterBinder {

	private final MemberFailover failover;

	/**
	 * Create a new binder.
	 * @param failover the failover of the auto-configured etcd client
	 */
	public MemberFailoverMetrics(MemberFailover failover) {
		Assert.notNull(failover, "'failover' must not be null");
		this.failover = failover;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder("discovery.etcd.failovers", this.failover, MemberFailover::getFailovers)
			.description("Times an etcd member stopped answering and the client's calls were moved off it")
			.register(registry);
	}

}
