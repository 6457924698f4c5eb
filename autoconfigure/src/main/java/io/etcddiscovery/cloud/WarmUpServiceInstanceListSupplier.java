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
import java.util.Arrays;
import java.util.List;

import io.etcddiscovery.discovery.WarmUp;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.util.Assert;

/**
 * Gives the instances that are warming up ({@link WarmUp}) a share of the requests that
 * grows with the time since this application first saw them UP: as Spring Cloud's
 * {@code WeightedServiceInstanceListSupplier} does with {@code weight} metadata, it
 * repeats each instance in the list by its weight, a warm instance {@value #FULL_WEIGHT}
 * times and a warming one from {@value #MIN_WEIGHT} to {@value #FULL_WEIGHT} times by its
 * share (reduced by their greatest common divisor), interleaved. Round-robin and random
 * choosers then pick each instance in proportion.
 * <p>
 * While an instance warms up the list is computed again for every request, so a share
 * grows between two changes of the instances. A list found warm throughout is passed on
 * as is, without looking at its instances again until the delegate supplies another.
 * Downstream, weights from {@code weight} metadata multiply with these.
 *
 * @author etcd-discovery authors
 */
public class WarmUpServiceInstanceListSupplier extends DelegatingServiceInstanceListSupplier {

	// Shares in steps of 5 %: fine enough to follow the ramp, a list at most 20 times
	// as long while an instance warms up.
	static final int FULL_WEIGHT = 20;

	static final int MIN_WEIGHT = FULL_WEIGHT * WarmUp.MIN_SHARE_PERCENT / 100;

	private final WarmUp warmUp;

	private final Flux<List<ServiceInstance>> flux;

	// The last list computed and what it was computed from: the weights change in steps,
	// most requests in a row get the same list.
	private volatile @Nullable Weighted last;

	// The last list found warm throughout. It stays warm: an instance warms up again only
	// after it left UP, and that change comes as another list.
	private volatile @Nullable List<ServiceInstance> warm;

	/**
	 * Create a new supplier.
	 * @param delegate the supplier of the instances
	 * @param warmUp the warm-up of new instances
	 */
	public WarmUpServiceInstanceListSupplier(ServiceInstanceListSupplier delegate, WarmUp warmUp) {
		super(delegate);
		Assert.notNull(warmUp, "'warmUp' must not be null");
		this.warmUp = warmUp;
		this.flux = delegate.get().map(this::weighted);
	}

	@Override
	public Flux<List<ServiceInstance>> get() {
		return this.flux;
	}

	private List<ServiceInstance> weighted(List<ServiceInstance> instances) {
		if (instances == this.warm) {
			return instances;
		}
		int[] weights = new int[instances.size()];
		boolean warming = false;
		for (int i = 0; i < weights.length; i++) {
			weights[i] = weight(instances.get(i));
			warming |= weights[i] < FULL_WEIGHT;
		}
		if (!warming) {
			this.warm = instances;
			return instances;
		}
		Weighted last = this.last;
		if (last != null && last.instances() == instances && Arrays.equals(last.weights(), weights)) {
			return last.expanded();
		}
		List<ServiceInstance> expanded = expand(instances, weights);
		this.last = new Weighted(instances, weights, expanded);
		return expanded;
	}

	private int weight(ServiceInstance instance) {
		if (!(instance instanceof EtcdServiceInstance etcdInstance)) {
			return FULL_WEIGHT;
		}
		double share = this.warmUp.share(etcdInstance.getInstance().key());
		return Math.max(MIN_WEIGHT, Math.min(FULL_WEIGHT, (int) Math.round(share * FULL_WEIGHT)));
	}

	// Round r holds the instances whose weight is more than r: warm instances alternate
	// instead of coming in runs.
	private static List<ServiceInstance> expand(List<ServiceInstance> instances, int[] weights) {
		int divisor = 0;
		int max = 0;
		int total = 0;
		for (int weight : weights) {
			divisor = gcd(divisor, weight);
			max = Math.max(max, weight);
			total += weight;
		}
		List<ServiceInstance> expanded = new ArrayList<>(total / divisor);
		for (int round = 0; round < max / divisor; round++) {
			for (int i = 0; i < weights.length; i++) {
				if (weights[i] / divisor > round) {
					expanded.add(instances.get(i));
				}
			}
		}
		return List.copyOf(expanded);
	}

	private static int gcd(int a, int b) {
		return (b == 0) ? a : gcd(b, a % b);
	}

	private record Weighted(List<ServiceInstance> instances, int[] weights, List<ServiceInstance> expanded) {

	}

}
