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

import io.etcddiscovery.registration.StatusPublisher;

import org.springframework.cloud.client.serviceregistry.ServiceRegistry;
import org.springframework.util.Assert;

/**
 * Spring Cloud's {@link ServiceRegistry} contract over this starter's registration, so
 * that {@code /actuator/serviceregistry} shows and sets this instance's status.
 * Registration itself follows the application's lifecycle: {@link #register} and
 * {@link #deregister} do nothing because the starter registers when the application is
 * ready and deregisters on shutdown.
 *
 * @author etcd-discovery authors
 */
public class EtcdCloudServiceRegistry implements ServiceRegistry<EtcdServiceRegistration> {

	private final StatusPublisher statusPublisher;

	/**
	 * Create a new registry.
	 * @param statusPublisher the status publisher
	 */
	public EtcdCloudServiceRegistry(StatusPublisher statusPublisher) {
		Assert.notNull(statusPublisher, "'statusPublisher' must not be null");
		this.statusPublisher = statusPublisher;
	}

	@Override
	public void register(EtcdServiceRegistration registration) {
		// Registration follows the application lifecycle.
	}

	@Override
	public void deregister(EtcdServiceRegistration registration) {
		// Deregistration follows the application lifecycle.
	}

	@Override
	public void close() {
	}

	@Override
	public void setStatus(EtcdServiceRegistration registration, String status) {
		this.statusPublisher.setOperatorStatus(status);
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> T getStatus(EtcdServiceRegistration registration) {
		return (T) registration.getRegistrar().getState().status().name();
	}

}
