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

import io.etcddiscovery.cloud.EjectedInstances;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.util.Assert;

/**
 * Micrometer metrics of the instances this application's load balancers skip because they
 * refused a connection ({@link EjectedInstances}).
 * <ul>
 * <li>{@code discovery.loadbalancer.ejected}: instances ejected now</li>
 * <li>{@code discovery.loadbalancer.ejections}: counter of instances ejected</li>
 * <li>{@code discovery.loadbalancer.ejections.ended}: counter of ejections ended, tag
 * {@code reason} = {@code answered} (the instance accepts connections again) or
 * {@code removed} (etcd removed it)</li>
 * </ul>
 *
 * @author etcd-discovery authors
 */
public class EjectionMetrics implements MeterBinder {

	private final EjectedInstances ejectedInstances;

	/**
	 * Create a new binder.
	 * @param ejectedInstances the ejected instances
	 */
	public EjectionMetrics(EjectedInstances ejectedInstances) {
		Assert.notNull(ejectedInstances, "'ejectedInstances' must not be null");
		this.ejectedInstances = ejectedInstances;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("discovery.loadbalancer.ejected", this.ejectedInstances, EjectedInstances::getEjectedCount)
			.description("Instances skipped by this application's load balancers because they refused a connection")
			.register(registry);
		FunctionCounter
			.builder("discovery.loadbalancer.ejections", this.ejectedInstances, EjectedInstances::getEjections)
			.description("Instances ejected from this application's load balancers")
			.register(registry);
		for (EjectedInstances.EndReason reason : EjectedInstances.EndReason.values()) {
			FunctionCounter
				.builder("discovery.loadbalancer.ejections.ended", this.ejectedInstances,
						(ejected) -> ejected.getEnded(reason))
				.tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT))
				.description("Ejections ended, because the instance accepts connections again or etcd removed it")
				.register(registry);
		}
	}

}
