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

package io.etcddiscovery.registration;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationListener;
import org.springframework.util.Assert;

/**
 * Publishes {@code OUT_OF_SERVICE} as soon as the application refuses traffic, for
 * example when graceful shutdown begins, and hands the status back to health when it
 * accepts traffic again.
 *
 * @author etcd-discovery authors
 */
public class ReadinessStatusListener implements ApplicationListener<AvailabilityChangeEvent<ReadinessState>> {

	private final StatusPublisher statusPublisher;

	/**
	 * Create a new listener.
	 * @param statusPublisher the publisher to inform
	 */
	public ReadinessStatusListener(StatusPublisher statusPublisher) {
		Assert.notNull(statusPublisher, "'statusPublisher' must not be null");
		this.statusPublisher = statusPublisher;
	}

	@Override
	public void onApplicationEvent(AvailabilityChangeEvent<ReadinessState> event) {
		this.statusPublisher.setRefusingTraffic(event.getState() == ReadinessState.REFUSING_TRAFFIC);
	}

}
