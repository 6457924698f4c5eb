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

package io.etcddiscovery.discovery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The instances of one service at one point in time, immutable: every instance, and the
 * ones that are {@link DiscoveredInstance#isUp() up}, each ordered by instance id.
 *
 * @param service the service name
 * @param all every instance, whatever its status
 * @param up the instances whose status is UP
 * @author etcd-discovery authors
 */
public record ServiceInstances(String service, List<DiscoveredInstance> all, List<DiscoveredInstance> up) {

	private static final Comparator<DiscoveredInstance> ORDER = Comparator.comparing(DiscoveredInstance::instanceId);

	public ServiceInstances {
		Assert.hasText(service, "'service' must not be empty");
		all = List.copyOf(all);
		up = List.copyOf(up);
	}

	/**
	 * Return the instances of a service that has none.
	 * @param service the service name
	 * @return no instances
	 */
	public static ServiceInstances empty(String service) {
		return new ServiceInstances(service, List.of(), List.of());
	}

	/**
	 * Order instances and pick the ones that are up, sharing the lists of
	 * {@code previous} where they are unchanged, so that listeners can tell what changed
	 * by identity.
	 * @param service the service name
	 * @param instances the instances, in any order
	 * @param previous the instances of the service before, or {@code null}
	 * @return the instances
	 */
	static ServiceInstances of(String service, List<DiscoveredInstance> instances,
			@Nullable ServiceInstances previous) {
		List<DiscoveredInstance> all = new ArrayList<>(instances);
		all.sort(ORDER);
		List<DiscoveredInstance> up = all.stream().filter(DiscoveredInstance::isUp).toList();
		return new ServiceInstances(service, (previous != null && previous.all().equals(all)) ? previous.all() : all,
				(previous != null && previous.up().equals(up)) ? previous.up() : up);
	}

	/**
	 * Return whether the service has no instance at all.
	 * @return whether there is no instance
	 */
	public boolean isEmpty() {
		return this.all.isEmpty();
	}

}
