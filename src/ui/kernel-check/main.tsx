import { createRoot } from 'react-dom/client';
import { KernelCheckPage } from './KernelCheckPage';
import '../styles.css';

const root = document.getElementById('root');
if (root) createRoot(root).render(<KernelCheckPage />);
