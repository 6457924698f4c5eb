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
package io.etcddiscovery.cloud;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.etcddiscovery.discovery.Subscription;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.util.Assert;

/**
 * Leaves out of its delegate's instances those {@link EjectedInstances} holds, and
 * supplies the list again each time an instance is ejected or no longer ejected.
 * <p>
 * When every instance of the service is ejected it supplies them all (as Envoy's panic
 * threshold does): a request then fails as it would have, or reaches an instance that
 * came back before its probe noticed, instead of being refused with "no instances".
 *
 * @author etcd-discovery authors
 */
public class EjectionAwareServiceInstanceListSupplier extends DelegatingServiceInstanceListSupplier {

	private static final Log logger = LogFactory.getLog(EjectionAwareServiceInstanceListSupplier.class);

	private final EjectedInstances ejectedInstances;

	private final AtomicLong changes = new AtomicLong();

	private final Sinks.Many<Long> versions = Sinks.many().replay().latest();

	private final Flux<List<ServiceInstance>> flux;

	private final Subscription subscription;

	// Whether every instance was ejected at the last emission: one log line per
	// transition.
	private volatile boolean allEjected;

	/**
	 * Create a new supplier.
	 * @param delegate the supplier of the instances
	 * @param ejectedInstances the instances to leave out
	 */
	public EjectionAwareServiceInstanceListSupplier(ServiceInstanceListSupplier delegate,
			EjectedInstances ejectedInstances) {
		super(delegate);
		Assert.notNull(ejectedInstances, "'ejectedInstances' must not be null");
		this.ejectedInstances = ejectedInstances;
		this.versions.tryEmitNext(0L);
		this.flux = Flux.combineLatest(delegate.get(), this.versions.asFlux(),
				(instances, version) -> reachable(instances));
		this.subscription = ejectedInstances.onChange(this::ejectionsChanged);
	}

	@Override
	public Flux<List<ServiceInstance>> get() {
		return this.flux;
	}

	private List<ServiceInstance> reachable(List<ServiceInstance> instances) {
		List<ServiceInstance> reachable = withoutEjected(instances);
		boolean allEjected = reachable.isEmpty() && !instances.isEmpty();
		if (allEjected != this.allEjected) {
			allEjectedChanged(allEjected);
		}
		return allEjected ? instances : reachable;
	}

	private List<ServiceInstance> withoutEjected(List<ServiceInstance> instances) {
		if (this.ejectedInstances.isEmpty() || instances.isEmpty()) {
			return instances;
		}
		List<ServiceInstance> reachable = new ArrayList<>(instances.size());
		for (ServiceInstance instance : instances) {
			if (instance.getServiceId() == null || instance.getHost() == null || !this.ejectedInstances
				.isEjected(instance.getServiceId(), instance.getHost(), instance.getPort())) {
				reachable.add(instance);
			}
		}
		return (reachable.size() == instances.size()) ? instances : List.copyOf(reachable);
	}

	private synchronized void allEjectedChanged(boolean allEjected) {
		if (allEjected == this.allEjected) {
			return;
		}
		this.allEjected = allEjected;
		if (allEjected) {
			logger.warn(
					"Every instance of %s is ejected: its load balancer is offered them all".formatted(getServiceId()));
		}
		else {
			logger.info("Not every instance of %s is ejected any more".formatted(getServiceId()));
		}
	}

	private void ejectionsChanged() {
		synchronized (this.versions) {
			// Serialized: the sink refuses concurrent emissions.
			this.versions.tryEmitNext(this.changes.incrementAndGet());
		}
	}

	@Override
	public void destroy() throws Exception {
		this.subscription.close();
		this.versions.tryEmitComplete();
		super.destroy();
	}

}
